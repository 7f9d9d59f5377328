// Forging next-auth session cookies with the e2e server's own secret, for tests of what the app does
// with a cookie it signed itself but should no longer accept (expired).
//
//   const secret = e2eAuthSecret();
//   const claims = await decodeSessionCookie(cookie.value, secret);
//   const expired = await encodeSessionCookie(claims, secret, -3600);   // exp an hour ago
import fs from 'node:fs';
import path from 'node:path';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { E2E_DATA_DIR } from './env.ts';

export const SESSION_COOKIE = 'next-auth.session-token';

/**
 * The e2e server's AUTH_SECRET: playwright.config.ts passes AUTH_SECRET='' so the app generates one
 * into $BMC_DATA_DIR/auth-secret (lib/config/app.ts) — unless the runner's env sets it.
 */
export function e2eAuthSecret(): string {
  if (process.env.E2E_AUTH_SECRET) return process.env.E2E_AUTH_SECRET;
  return fs.readFileSync(path.join(E2E_DATA_DIR, 'auth-secret'), 'utf8').trim();
}

export async function decodeSessionCookie(value: string, secret: string): Promise<JWT> {
  const claims = await decode({ token: value, secret });
  if (!claims) throw new Error('session cookie did not decode with the e2e secret');
  return claims;
}

/** Re-encodes claims (minus iat/exp/jti) as next-auth does; `maxAgeSeconds` < 0 gives an exp in the past. */
export async function encodeSessionCookie(claims: JWT, secret: string, maxAgeSeconds: number): Promise<string> {
  const { iat: _iat, exp: _exp, jti: _jti, ...token } = claims as JWT & { iat?: number; exp?: number; jti?: string };
  return encode({ token, secret, maxAge: maxAgeSeconds });
}
