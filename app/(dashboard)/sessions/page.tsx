// Browser sessions: every browser signed in to this account, where from and when last seen. End one,
// or all but this one; an ended session's cookie stops working on its next request.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { Time } from '@/components/time.tsx';
import { listBrowserSessions } from '@/lib/auth/browser-sessions.ts';
import { csrfToken, displayIp, shortUserAgent } from '@/lib/auth/device-page.ts';
import { getCurrentBrowserSessionId, requireUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { Badge } from '@/components/ui/badge.tsx';
import { Button } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { plural } from '@/lib/format/plurals.ts';

export const metadata: Metadata = { title: 'Browser sessions' };
export const dynamic = 'force-dynamic';

export default async function BrowserSessionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser({ callbackUrl: '/sessions' });
  const sp = await searchParams;
  const current = await getCurrentBrowserSessionId();
  const sessions = await listBrowserSessions(await getDb(), user.id, current, new Date());
  const csrf = csrfToken(getConfig().oauth.secret, 'browser-sessions', user.id);
  const ended = typeof sp.ended === 'string' ? Number(sp.ended) : null;
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <PageHeader
        title="Browser sessions"
        description="Browsers signed in to your account. Ending a session signs that browser out at its next request."
        actions={others > 0 ? (
          <form method="post" action="/sessions/end">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="others" value="1" />
            <Button type="submit" variant="danger-outline" data-testid="sessions-end-others" className="py-2">End all other sessions</Button>
          </form>
        ) : undefined}
      />
      {ended !== null && Number.isFinite(ended) && (
        <Notice tone="success" testId="sessions-flash" className="mb-4">
          {ended === 0 ? 'Nothing to end.' : `Ended ${plural(ended, 'session')}.`}
        </Notice>
      )}
      <ul className="grid gap-3" data-testid="sessions-list">
        {sessions.map((s) => (
          <li key={s.id} data-testid="browser-session" data-current={s.current ? 'true' : 'false'} className={cardClass({ className: 'flex flex-wrap items-start justify-between gap-4' })}>
            <div className="min-w-0 text-sm">
              <p className="font-semibold text-slate-900">
                <span className="break-all">{shortUserAgent(s.userAgent)}</span>
                {s.current && <Badge tone="brand" icon={null} className="ml-2">This browser</Badge>}
              </p>
              <p className="mt-1 text-slate-700"><span className="font-mono">{displayIp(s.ip)}</span></p>
              <p className="mt-1 text-xs text-slate-600">Signed in <Time iso={s.createdAt} /> · Last seen <Time iso={s.lastSeenAt} /></p>
            </div>
            {!s.current && (
              <form method="post" action="/sessions/end">
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="id" value={s.id} />
                <Button type="submit" data-testid="browser-session-end">End session</Button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
