// POST /device/verify — the code-entry form. Same-origin + CSRF; limited per user and per IP; a
// match binds the grant to this account and shows the confirmation step. Never approves.
import { ENTERED_CODE_COOKIE, PENDING_CODE_COOKIE, PENDING_CODE_MAX_AGE_SECONDS, checkCsrf, signPendingCode } from '@/lib/auth/device-page.ts';
import { enterUserCode } from '@/lib/auth/device-grant.ts';
import { formPost, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  const { oauth, app } = getConfig();
  const code = String(r.form.get('user_code') ?? '').slice(0, 40);
  const now = new Date();
  if (!r.user) {
    // Session ended meanwhile: keep the code in server state across sign-in.
    const res = seeOther(`/signin?${new URLSearchParams({ callbackUrl: '/device' })}`);
    const signed = signPendingCode(oauth.secret, code, now);
    if (signed) res.cookies.set(PENDING_CODE_COOKIE, signed, { httpOnly: true, sameSite: 'lax', path: '/device', maxAge: PENDING_CODE_MAX_AGE_SECONDS, secure: app.appUrl.startsWith('https:') });
    return res;
  }
  if (!checkCsrf(oauth.secret, r.form.get('csrf'), 'device-entry', r.user.id)) return seeOther('/device?error=csrf');
  const result = await enterUserCode(await getDb(), { userCode: code, userId: r.user.id }, oauth, requestInfoFromHeaders(req.headers), now);
  const res = result.ok ? seeOther(`/device/confirm?${new URLSearchParams({ grant: result.grant.id })}`)
    : seeOther(`/device?error=${result.reason}`);
  res.cookies.delete({ name: PENDING_CODE_COOKIE, path: '/device' });
  const entered = result.ok ? signPendingCode(oauth.secret, code, now) : null;
  if (entered) res.cookies.set(ENTERED_CODE_COOKIE, entered, { httpOnly: true, sameSite: 'lax', path: '/device', maxAge: PENDING_CODE_MAX_AGE_SECONDS, secure: app.appUrl.startsWith('https:') });
  return res;
}
