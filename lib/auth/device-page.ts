// Helpers for the /device approval pages: CSRF tokens bound to the user (and grant), the signed
// short-lived cookie that keeps a pre-filled code across sign-in (so it never rides in the URL
// after sign-in), and human-readable scope descriptions. No Next imports: unit-testable.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { formatUserCode, normaliseUserCode } from './device-grant.ts';

export const PENDING_CODE_COOKIE = 'bmc_device_code';
/** The code just entered, shown again on the confirmation step (checked against the grant's hash). */
export const ENTERED_CODE_COOKIE = 'bmc_device_entered';
export const PENDING_CODE_MAX_AGE_SECONDS = 900;

function mac(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a); const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type CsrfPurpose = 'device-entry' | 'device-decide' | 'cli-sessions' | 'browser-sessions' | 'mcp-consent';

/** A CSRF token for a form: HMAC over purpose + user (+ grant). Stateless, unguessable without the secret. */
export function csrfToken(secret: string, purpose: CsrfPurpose, userId: string, extra = ''): string {
  return mac(secret, `csrf:${purpose}:${userId}:${extra}`);
}

export function checkCsrf(secret: string, token: unknown, purpose: CsrfPurpose, userId: string, extra = ''): boolean {
  return typeof token === 'string' && same(token, csrfToken(secret, purpose, userId, extra));
}

const DecideForm = z.object({
  grant: z.guid(),
  decision: z.enum(['approve', 'deny']),
  // '' = the page showed "no tenant yet"; absent only from clients other than our page.
  tenant: z.union([z.guid(), z.literal('')]).optional(),
});

export type DecisionForm =
  | { ok: true; grantId: string; decision: 'approve' | 'deny'; tenant?: string }
  | { ok: false; status: 400 | 403; message: string };

/**
 * The fields of a POST /device/decide, checked: a missing or wrong CSRF token is refused outright
 * (403, never a redirect a script could follow as if it had worked); other malformed fields are 400.
 */
export function readDecisionForm(secret: string, fields: Record<string, unknown>, userId: string): DecisionForm {
  const csrf = fields.csrf;
  if (typeof csrf !== 'string' || csrf === '') return { ok: false, status: 403, message: 'Missing CSRF token; reload the page and try again.' };
  const parsed = DecideForm.safeParse(fields);
  if (!parsed.success) return { ok: false, status: 400, message: 'Malformed decision.' };
  const { grant, decision, tenant } = parsed.data;
  if (!checkCsrf(secret, csrf, 'device-decide', userId, grant)) return { ok: false, status: 403, message: 'Invalid CSRF token; reload the page and try again.' };
  return { ok: true, grantId: grant, decision, tenant };
}

/** `<CODE>.<issued-at>.<mac>` for the pending-code cookie. */
export function signPendingCode(secret: string, userCode: string, now: Date): string | null {
  const n = normaliseUserCode(userCode);
  if (!n) return null;
  const payload = `${n}.${Math.floor(now.getTime() / 1000)}`;
  return `${payload}.${mac(secret, 'pending-code:' + payload)}`;
}

/** The code kept in the cookie (shown form `XXXX-XXXX-XXXX`), if the signature holds and it is fresh. */
export function readPendingCode(secret: string, value: string | undefined, now: Date): string | null {
  if (!value) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  const [code, at, sig] = parts as [string, string, string];
  if (!same(sig, mac(secret, `pending-code:${code}.${at}`))) return null;
  const age = now.getTime() / 1000 - Number(at);
  if (!(age >= 0 && age <= PENDING_CODE_MAX_AGE_SECONDS)) return null;
  const n = normaliseUserCode(code);
  return n ? formatUserCode(n) : null;
}

/** What each scope lets the terminal do, for the confirmation page. */
export function describeScopes(scope: string): string[] {
  const out = ['Read and write the notes and projects in your tenant (through the API)'];
  const s = new Set(scope.split(' '));
  if (s.has('openid') || s.has('profile') || s.has('email')) out.push('Know who you are (your name and email address)');
  if (s.has('offline_access')) out.push('Stay signed in until you revoke it (refresh tokens)');
  return out;
}

/** A short, readable description of a user agent ("curl/8.5", "python-httpx/0.27"). */
export function shortUserAgent(ua: string | null): string {
  if (!ua) return 'unknown client';
  return ua.length > 120 ? ua.slice(0, 117) + '…' : ua;
}

/** `::ffff:203.0.113.7` → `203.0.113.7` (IPv4 seen through an IPv6 socket). */
export function displayIp(ip: string | null): string {
  if (!ip) return 'unknown address';
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}
