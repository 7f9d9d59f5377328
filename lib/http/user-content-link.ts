// Signed, short-lived links to one file on the separate content origin (USER_CONTENT_ORIGIN). The content origin
// never sees the app's cookies, so the link itself says whose file it is: tenant, project and path, an expiry, and
// an HMAC under a key derived from AUTH_SECRET. Only the notes browser mints them, for the signed-in person's tenant.
import crypto from 'node:crypto';
import { z } from 'zod';

export interface ContentRef { tenantId: string; project: string; path: string }

const Payload = z.object({ t: z.string().min(1), p: z.string().min(1), f: z.string().min(1), e: z.number().int() });

const keyOf = (secret: string) => crypto.createHmac('sha256', secret).update('user-content-link').digest();
const macOf = (secret: string, payload: string) => crypto.createHmac('sha256', keyOf(secret)).update(payload).digest();

export function signContentToken(secret: string, ref: ContentRef, ttlSeconds: number, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ t: ref.tenantId, p: ref.project, f: ref.path, e: Math.floor(now / 1000) + ttlSeconds })).toString('base64url');
  return `${payload}.${macOf(secret, payload).toString('base64url')}`;
}

/** The file a token names, or null when it is malformed, forged or expired. */
export function verifyContentToken(secret: string, token: string, now = Date.now()): ContentRef | null {
  const dot = token.indexOf('.');
  if (dot < 1 || token.length > 4096) return null;
  const payload = token.slice(0, dot);
  const got = Buffer.from(token.slice(dot + 1), 'base64url');
  const want = macOf(secret, payload);
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null;
  let data: z.infer<typeof Payload>;
  try { data = Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))); } catch { return null; }
  if (data.e * 1000 < now) return null;
  return { tenantId: data.t, project: data.p, path: data.f };
}

/** The view link: the token, then the file name (so the browser tab and a save name read well). */
export function contentLink(origin: string, token: string, fileName: string): string {
  return `${origin}/content/${token}/${encodeURIComponent(fileName)}`;
}
