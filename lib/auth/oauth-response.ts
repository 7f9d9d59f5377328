// The authorization server's answers: JSON with no-store, RFC 6749 §5.2 errors with descriptions clients can
// show, and the dependencies every OAuth handler takes. Shared by the CLI's grants (oauth-http.ts) and the MCP
// clients' grants (mcp-oauth/http.ts).
import type { Database } from '../db/client.ts';
import type { NetworkConfig } from '../config/network.ts';
import type { OAuthConfig } from '../config/oauth.ts';
import type { OAuthError } from './tokens.ts';

export interface OAuthDeps {
  db: Database;
  cfg: OAuthConfig;
  now?: () => Date;
  /** Trusted proxy hops and per-IP limits; default: from the environment (TRUSTED_PROXY_HOPS etc.). */
  network?: NetworkConfig;
}

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export function oauthJson(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status, headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...extra },
  });
}

const ASCII_LOOKALIKES: Record<string, string> = {
  '\u2013': '-', '\u2014': '-', '\u2018': "'", '\u2019': "'", '\u201c': "'", '\u201d': "'", '\u2026': '...', '\u00a0': ' ', '\u2264': '<=', '\u2265': '>=',
};

/**
 * RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E — printable ASCII without `"` and
 * `\`. Everything we say goes through here, including text that echoes a client's input.
 */
function safeErrorDescription(text: string): string {
  let out = '';
  for (const ch of text) {
    const mapped = ASCII_LOOKALIKES[ch] ?? ch;
    for (const c of mapped) {
      const code = c.codePointAt(0)!;
      if (c === '"') out += "'";
      else if (c === '\\') out += '/';
      else if (code >= 0x20 && code <= 0x7e) out += c;
      else out += '?';
    }
  }
  return out.slice(0, 300);
}

/** RFC 6749 §5.2 error response (401 + WWW-Authenticate for invalid_client, Retry-After for 429). */
export function oauthErrorResponse(e: OAuthError): Response {
  const body: Record<string, unknown> = { error: e.error, error_description: safeErrorDescription(e.error_description) };
  if (e.interval !== undefined) body.interval = e.interval;
  const extra: Record<string, string> = {};
  if (e.status === 401) extra['www-authenticate'] = 'Basic realm="basic-memory-cloud"';
  if (e.retryAfterSeconds !== undefined) extra['retry-after'] = String(e.retryAfterSeconds);
  return oauthJson(body, e.status, extra);
}
