// Redirect URI rules for MCP clients:
//   - https: exact string match;
//   - loopback http (127.0.0.1, localhost, [::1]): any port, exact path and query (RFC 8252 §7.3 — native
//     clients pick a free port at run time);
//   - private-use schemes of native apps (`cursor://…`, `com.example.app:/cb`, RFC 8252 §7.1): exact match;
//   - nothing else (plain http elsewhere, javascript:, data:, fragments, credentials in the URL).

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:']);
const PRIVATE_SCHEME = /^[a-z][a-z0-9+.-]*:$/;

export type RedirectKind = 'https' | 'loopback' | 'private_use';

/** Why a redirect URI may not be registered, or its kind. */
export function classifyRedirectUri(raw: string): { kind: RedirectKind; url: URL } | { error: string } {
  if (raw.length > 2000) return { error: 'redirect_uri is too long.' };
  let url: URL;
  try { url = new URL(raw); } catch { return { error: `redirect_uri '${raw.slice(0, 80)}' is not an absolute URI.` }; }
  if (url.hash || raw.includes('#')) return { error: 'redirect_uri must not contain a fragment.' };
  if (url.username || url.password) return { error: 'redirect_uri must not contain credentials.' };
  if (url.protocol === 'https:') return url.hostname ? { kind: 'https', url } : { error: 'redirect_uri needs a host.' };
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOSTS.has(url.hostname)) return { kind: 'loopback', url };
    return { error: 'http redirect URIs are only allowed on loopback (127.0.0.1, localhost, [::1]); use https.' };
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return { error: `The ${url.protocol} scheme is not allowed for redirect URIs.` };
  // A private-use scheme: a reverse-domain name or an app's own scheme (cursor://), never a bare word like "app:".
  if (PRIVATE_SCHEME.test(url.protocol) && (url.protocol.includes('.') || url.host !== '' || url.pathname.startsWith('/'))) return { kind: 'private_use', url };
  return { error: `redirect_uri '${raw.slice(0, 80)}' uses a scheme that is not allowed.` };
}

/** Whether a presented redirect_uri matches one of the registered ones under the rules above. */
export function redirectUriMatches(presented: string, registered: readonly string[]): boolean {
  if (registered.includes(presented)) return true;
  const p = classifyRedirectUri(presented);
  if ('error' in p || p.kind !== 'loopback') return false;
  return registered.some((r) => {
    const c = classifyRedirectUri(r);
    if ('error' in c || c.kind !== 'loopback') return false;
    return c.url.hostname === p.url.hostname && c.url.pathname === p.url.pathname && c.url.search === p.url.search;
  });
}

/** What the consent page and Connected apps show: the host (or the scheme of a native app). */
export function redirectHost(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.protocol === 'http:' ? `${u.hostname} (this computer)` : u.host;
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return uri.slice(0, 60);
  }
}
