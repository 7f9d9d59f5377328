// CLI sessions: every terminal connected through the device flow, with where it came from and when
// it was last used. Revoke one or all; the next request with its tokens fails.
import type { Metadata } from 'next';
import { EmptyState } from '@/components/empty-state.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { Time } from '@/components/time.tsx';
import { cliSessionDto } from '@/lib/auth/cli-sessions.ts';
import { csrfToken, displayIp, shortUserAgent } from '@/lib/auth/device-page.ts';
import { requireUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { listCliSessionsForUser } from '@/lib/db/queries/oauth.ts';
import { ConfirmSubmitButton } from '@/components/ui/confirm-submit-button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export const metadata: Metadata = { title: 'CLI sessions' };
export const dynamic = 'force-dynamic';

export default async function CliSessionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser({ callbackUrl: '/cli-sessions' });
  const sp = await searchParams;
  const { oauth } = getConfig();
  const sessions = (await listCliSessionsForUser(await getDb(), user.id)).map((s) => cliSessionDto(s, oauth.clients));
  const csrf = csrfToken(oauth.secret, 'cli-sessions', user.id);
  const revoked = typeof sp.revoked === 'string' ? Number(sp.revoked) : null;
  return (
    <>
      <PageHeader
        title="CLI sessions"
        description="Terminals you have connected with bm cloud login."
        actions={sessions.length > 1 ? (
          <form method="post" action="/cli-sessions/revoke">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="all" value="1" />
            <ConfirmSubmitButton variant="danger-outline" className="py-2" testId="cli-sessions-revoke-all" confirmLabel="Revoke all sessions"
              title={`Revoke all ${sessions.length} CLI sessions?`}
              body={<p>Every terminal signed in with <code className="font-mono">bm cloud login</code> stops working with its next request, this one included if you use it. Sign in again to reconnect.</p>}>
              Revoke all
            </ConfirmSubmitButton>
          </form>
        ) : undefined}
      />
      {revoked !== null && Number.isFinite(revoked) && (
        <Notice tone="success" testId="cli-sessions-flash" className="mb-4">
          {revoked === 0 ? 'Nothing to revoke.' : `Revoked ${revoked} session${revoked === 1 ? '' : 's'}. Their tokens stop working on the next request.`}
        </Notice>
      )}
      {sessions.length === 0 ? (
        <EmptyState testId="cli-sessions-empty" title="No terminals connected" icon="›_">
          Run <code className="rounded bg-slate-100 px-1 font-mono text-xs">bm cloud login</code> on your machine and approve the code it shows; the session will be listed here, where you can revoke it.
        </EmptyState>
      ) : (
        <ul className="grid gap-3" data-testid="cli-sessions-list">
          {sessions.map((s) => (
            <li key={s.id} data-testid="cli-session" data-session-id={s.id} className={cardClass({ className: 'flex flex-wrap items-start justify-between gap-4' })}>
              <div className="min-w-0 text-sm">
                <p className="font-semibold text-slate-900">{s.client}</p>
                <p className="mt-1 text-slate-600"><span className="font-mono">{displayIp(s.deviceIp)}</span> · <span className="break-all">{shortUserAgent(s.deviceUserAgent)}</span></p>
                <p className="mt-1 text-xs text-slate-500">
                  Connected <Time iso={s.createdAt} /> · Last used {s.lastUsedAt ? <Time iso={s.lastUsedAt} /> : 'never'}{s.lastUsedIp ? ` from ${displayIp(s.lastUsedIp)}` : ''}
                </p>
              </div>
              <form method="post" action="/cli-sessions/revoke">
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="id" value={s.id} />
                <ConfirmSubmitButton testId="cli-session-revoke" confirmLabel="Revoke session" title={`Revoke ${s.client} on ${shortUserAgent(s.deviceUserAgent)}?`}
                  body={<p>That terminal stops working with its next request; run <code className="font-mono">bm cloud login</code> there to reconnect.</p>}>
                  Revoke
                </ConfirmSubmitButton>
              </form>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
