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
            <button type="submit" data-testid="sessions-end-others" className="rounded-lg border border-rose-300 bg-white px-4 py-2 text-sm font-semibold text-rose-700 hover:bg-rose-50">End all other sessions</button>
          </form>
        ) : undefined}
      />
      {ended !== null && Number.isFinite(ended) && (
        <p role="status" data-testid="sessions-flash" className="mb-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {ended === 0 ? 'Nothing to end.' : `Ended ${ended} session${ended === 1 ? '' : 's'}.`}
        </p>
      )}
      <ul className="grid gap-3" data-testid="sessions-list">
        {sessions.map((s) => (
          <li key={s.id} data-testid="browser-session" data-current={s.current ? 'true' : 'false'} className="flex flex-wrap items-start justify-between gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <div className="min-w-0 text-sm">
              <p className="font-semibold text-slate-900">
                <span className="break-all">{shortUserAgent(s.userAgent)}</span>
                {s.current && <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-700">This browser</span>}
              </p>
              <p className="mt-1 text-slate-700"><span className="font-mono">{displayIp(s.ip)}</span></p>
              <p className="mt-1 text-xs text-slate-600">Signed in <Time iso={s.createdAt} /> · Last seen <Time iso={s.lastSeenAt} /></p>
            </div>
            {!s.current && (
              <form method="post" action="/sessions/end">
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="id" value={s.id} />
                <button type="submit" data-testid="browser-session-end" className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">End session</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
