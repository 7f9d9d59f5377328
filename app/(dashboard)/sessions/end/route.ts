// POST /sessions/end — the page's form: end one other session (id) or all others (others=1).
// Same-origin + CSRF; only the signed-in user's own sessions.
import { endBrowserSession, endOtherBrowserSessions } from '@/lib/auth/browser-sessions.ts';
import { checkCsrf } from '@/lib/auth/device-page.ts';
import { formPost, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getCurrentBrowserSessionId } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  if (!r.user) return seeOther(`/signin?${new URLSearchParams({ callbackUrl: '/sessions' })}`);
  if (!checkCsrf(getConfig().oauth.secret, r.form.get('csrf'), 'browser-sessions', r.user.id)) return seeOther('/sessions');
  const db = await getDb();
  const info = requestInfoFromHeaders(req.headers);
  const current = await getCurrentBrowserSessionId();
  const now = new Date();
  let n = 0;
  if (r.form.get('others') === '1') n = await endOtherBrowserSessions(db, { userId: r.user.id, keepSessionId: current }, info, now);
  else {
    const id = String(r.form.get('id') ?? '');
    if (id !== current && await endBrowserSession(db, { sessionId: id, userId: r.user.id, reason: 'ended_by_user' }, info, now)) n = 1;
  }
  return seeOther(`/sessions?ended=${n}`);
}
