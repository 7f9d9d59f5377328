// POST /device/verify — the code-entry form. Same-origin + CSRF; limited per user and per IP; a
// match binds the grant to this account and shows the confirmation step. Never approves.
import { ENTERED_CODE_COOKIE, PENDING_CODE_COOKIE, PENDING_CODE_MAX_AGE_SECONDS, checkCsrf, signPendingCode } from '@/lib/auth/device-page.ts';
import { enterUserCode } from '@/lib/auth/device-grant.ts';
import { formPost, refused, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

/** 429 + Retry-After, as a page a person can read (the form posts here, so this is what the browser shows). */
function lockedPage(retryAfterSeconds: number): Response {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Too many attempts - Basic Memory Cloud</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#0f172a;line-height:1.5}a{color:#1d4ed8}</style></head>
<body><main><h1>Too many attempts</h1>
<p data-testid="device-locked">Code entry is paused after too many wrong codes. Try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.</p>
<p>Check the code your terminal shows; if it has expired, run <code>bm cloud login</code> again.</p>
<p><a href="/device">Back to code entry</a></p></main></body></html>`;
  return new Response(html, {
    status: 429,
    headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store' },
  });
}

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
  // Refused outright (not a redirect a script could follow as if it had worked).
  if (!checkCsrf(oauth.secret, r.form.get('csrf'), 'device-entry', r.user.id)) return refused('Missing or invalid CSRF token; reload the page and try again.');
  const result = await enterUserCode(await getDb(), { userCode: code, userId: r.user.id }, oauth, requestInfoFromHeaders(req.headers), now);
  if (!result.ok && result.reason === 'rate_limited') return lockedPage(result.retryAfterSeconds);
  const res = result.ok ? seeOther(`/device/confirm?${new URLSearchParams({ grant: result.grant.id })}`)
    : seeOther(`/device?error=${result.reason}`);
  res.cookies.delete({ name: PENDING_CODE_COOKIE, path: '/device' });
  const entered = result.ok ? signPendingCode(oauth.secret, code, now) : null;
  if (entered) res.cookies.set(ENTERED_CODE_COOKIE, entered, { httpOnly: true, sameSite: 'lax', path: '/device', maxAge: PENDING_CODE_MAX_AGE_SECONDS, secure: app.appUrl.startsWith('https:') });
  return res;
}
