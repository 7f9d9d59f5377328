// POST /cli-sessions/revoke — the page's form: revoke one session (id) or all (all=1).
// Same-origin + CSRF; only the signed-in user's own sessions.
import { checkCsrf } from '@/lib/auth/device-page.ts';
import { formPost, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { revokeAllSessions, revokeSession } from '@/lib/auth/tokens.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  if (!r.user) return seeOther(`/signin?${new URLSearchParams({ callbackUrl: '/cli-sessions' })}`);
  if (!checkCsrf(getConfig().oauth.secret, r.form.get('csrf'), 'cli-sessions', r.user.id)) return seeOther('/cli-sessions');
  const db = await getDb();
  const info = requestInfoFromHeaders(req.headers);
  const now = new Date();
  let n = 0;
  if (r.form.get('all') === '1') n = await revokeAllSessions(db, r.user.id, info, now);
  else {
    const id = String(r.form.get('id') ?? '');
    if (/^[0-9a-f-]{36}$/i.test(id) && await revokeSession(db, id, { reason: 'user_revoked', actorUserId: r.user.id, ownerUserId: r.user.id }, info, now)) n = 1;
  }
  return seeOther(`/cli-sessions?revoked=${n}`);
}
