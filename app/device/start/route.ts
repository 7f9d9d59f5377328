// GET /device/start?user_code=… — signed-out entry to the device flow: keeps a pre-filled code in
// a signed, short-lived, httpOnly cookie (server state, not the URL) and sends the person to sign
// in, coming back to /device. Never approves anything.
import { NextResponse } from 'next/server';
import { PENDING_CODE_COOKIE, PENDING_CODE_MAX_AGE_SECONDS, signPendingCode } from '@/lib/auth/device-page.ts';
import { getConfig } from '@/lib/config/index.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request): Response {
  const { app, oauth } = getConfig();
  const code = new URL(req.url).searchParams.get('user_code');
  const res = NextResponse.redirect(new URL(`/signin?${new URLSearchParams({ callbackUrl: '/device' })}`, app.appUrl), 303);
  res.headers.set('cache-control', 'no-store');
  const signed = code ? signPendingCode(oauth.secret, code, new Date()) : null;
  if (signed) {
    res.cookies.set(PENDING_CODE_COOKIE, signed, {
      httpOnly: true, sameSite: 'lax', path: '/device', maxAge: PENDING_CODE_MAX_AGE_SECONDS, secure: app.appUrl.startsWith('https:'),
    });
  }
  return res;
}
