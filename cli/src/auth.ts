// Device login (RFC 8628 + PKCE S256), token refresh and revocation: the same request sequence as
// the upstream `bm` CLI (shared/contract/upstream.md §1.3–1.6), plus what it lacks: polling until
// expires_in with a countdown, honouring the server's `interval` on slow_down and 429 + Retry-After.
import { createHash, randomBytes } from 'node:crypto';
import { fromTokenResponse, isTokenValid, loadTokens, saveTokens, type StoredTokens } from './tokens.ts';
import type { Settings } from './settings.ts';

const SCOPE = 'openid profile email offline_access';
const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export interface Io {
  out: (line: string) => void;
  /** Overwritable status line (countdown); falls back to `out` when not a TTY. */
  status: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export class CliError extends Error {
  readonly code: number;
  constructor(message: string, code = 1) { super(message); this.code = code; }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function postForm(url: string, params: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> | null; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': `bmc-cli/0.1 (node ${process.version}; ${process.platform})` },
    body: new URLSearchParams(params).toString(),
    redirect: 'manual',
  });
  const text = await res.text();
  let body: Record<string, unknown> | null = null;
  try { body = JSON.parse(text); } catch { /* non-JSON */ }
  return { status: res.status, headers: res.headers, body, text };
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval: number;
}

export async function requestDeviceCode(s: Settings, challenge: string): Promise<DeviceAuthorization> {
  const r = await postForm(`${s.host}/oauth2/device_authorization`, {
    client_id: s.clientId, scope: SCOPE, code_challenge: challenge, code_challenge_method: 'S256',
  });
  if (r.status === 429) {
    throw new CliError(`Too many login attempts from this address; try again in ${r.headers.get('retry-after') ?? 'a few'} seconds.`);
  }
  if (r.status !== 200 || !r.body || typeof r.body.device_code !== 'string') {
    const why = r.body && typeof r.body.error === 'string' ? `${r.body.error}${r.body.error_description ? ': ' + r.body.error_description : ''}` : `HTTP ${r.status}`;
    throw new CliError(`Device authorization failed (${why}).`);
  }
  const b = r.body as unknown as DeviceAuthorization;
  return { ...b, interval: typeof b.interval === 'number' && b.interval > 0 ? b.interval : 5, expires_in: typeof b.expires_in === 'number' ? b.expires_in : 900 };
}

function mmss(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Polls until tokens, denial or expiry. The first poll waits one interval (RFC 8628 §3.5). */
export async function pollForTokens(s: Settings, d: DeviceAuthorization, verifier: string, io: Io): Promise<StoredTokens> {
  let interval = d.interval;
  const deadline = io.now() + d.expires_in * 1000;
  let lastNetworkError = '';
  while (true) {
    // Wait one interval, showing the countdown every second.
    const wakeAt = io.now() + interval * 1000;
    while (io.now() < wakeAt) {
      io.status(`Waiting for approval in the browser… code expires in ${mmss((deadline - io.now()) / 1000)}`);
      await io.sleep(Math.min(1000, wakeAt - io.now()));
    }
    if (io.now() >= deadline) throw new CliError('The code expired before it was approved. Run `login` again to get a new one.');
    let r;
    try {
      r = await postForm(`${s.host}/oauth2/token`, {
        grant_type: DEVICE_GRANT_TYPE, device_code: d.device_code, client_id: s.clientId, code_verifier: verifier,
      });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== lastNetworkError) io.out(`Network error while polling (${msg}); retrying…`);
      lastNetworkError = msg;
      continue;
    }
    if (r.status === 200 && r.body && typeof r.body.access_token === 'string') {
      return fromTokenResponse(r.body as { access_token: string }, io.now() / 1000);
    }
    if (r.status === 429) {
      const ra = Number(r.headers.get('retry-after'));
      interval = Math.max(interval, Number.isFinite(ra) && ra > 0 ? ra : interval + 5);
      continue;
    }
    const error = r.body && typeof r.body.error === 'string' ? r.body.error : 'unknown_error';
    switch (error) {
      case 'authorization_pending': continue;
      case 'slow_down': {
        const next = r.body && typeof r.body.interval === 'number' ? r.body.interval : interval + 5;
        interval = Math.max(interval + 5, next);
        continue;
      }
      case 'access_denied': throw new CliError('The login was denied in the browser. Nothing was saved.');
      case 'expired_token': throw new CliError('The code expired before it was approved. Run `login` again to get a new one.');
      default: throw new CliError(`Login failed: ${error}${r.body?.error_description ? ' (' + String(r.body.error_description) + ')' : ''}.`);
    }
  }
}

/** Refresh with the refresh_token grant; saves and returns the new tokens, or null (must log in again). */
async function refreshTokens(s: Settings, t: StoredTokens, io: Pick<Io, 'now'>): Promise<StoredTokens | null> {
  if (!t.refresh_token) return null;
  const r = await postForm(`${s.host}/oauth2/token`, { grant_type: 'refresh_token', client_id: s.clientId, refresh_token: t.refresh_token });
  if (r.status !== 200 || !r.body || typeof r.body.access_token !== 'string') return null;
  const next = fromTokenResponse(r.body as { access_token: string }, io.now() / 1000);
  // Servers that do not rotate keep the old refresh token valid; never overwrite it with null.
  if (!next.refresh_token) next.refresh_token = t.refresh_token;
  saveTokens(s.tokenFile, next);
  return next;
}

/** A usable access token: the stored one, or a refreshed one when within 60 s of expiry. */
export async function getValidAccessToken(s: Settings, io: Pick<Io, 'now'>): Promise<string | null> {
  const t = loadTokens(s.tokenFile);
  if (!t) return null;
  if (isTokenValid(t, io.now() / 1000)) return t.access_token;
  return (await refreshTokens(s, t, io))?.access_token ?? null;
}

/** RFC 7009 revocation of the refresh token (ends the whole CLI session server-side). */
export async function revokeTokens(s: Settings, t: StoredTokens): Promise<boolean> {
  const token = t.refresh_token ?? t.access_token;
  try {
    const r = await postForm(`${s.host}/oauth2/revoke`, { token, token_type_hint: t.refresh_token ? 'refresh_token' : 'access_token', client_id: s.clientId });
    return r.status === 200;
  } catch { return false; }
}
