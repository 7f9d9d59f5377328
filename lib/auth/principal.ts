// The principal guard: who is calling an `/api/*` or `/proxy/*` route, from either the browser's
// next-auth session cookie or `Authorization: Bearer <access token>` (a CLI session's bmat_… token).
//
//   const p = await resolvePrincipal(req);          // Principal | null (throws 401 HttpError for a bad Bearer)
//   (routes declare it with apiRoute, lib/http/api-route.ts)
//
// A request that sends Authorization is judged by it alone (never falls back to the cookie). Access
// tokens are one indexed lookup joined to their CLI session, so a revoked session fails on the very
// next request. Failures are uniform: 401 `{"detail": …}` with `WWW-Authenticate: Bearer`.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { cliSessions, memberships, oauthAccessTokens, tenants, users } from '../db/schema.ts';
import { touchCliSession } from '../db/queries/oauth.ts';
import { findAppPasswordBySecretHash, touchAppPassword } from '../db/queries/app-passwords.ts';
import { findApiKeyBySecretHash, touchApiKey } from '../db/queries/api-keys.ts';
import { API_KEY_PATTERN, API_KEY_PREFIX, scopesForApiKey } from './api-keys.ts';
import { HttpError } from '../http/errors.ts';
import { processAccessTokenCache, type AccessTokenCache } from './access-token-cache.ts';
import { requestInfoFromHeaders } from './request-info.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret } from './tokens.ts';
import { APP_PASSWORD_PREFIX } from './app-passwords.ts';
import { toSessionUser } from './users.ts';
import type { Principal } from './principal-type.ts';

export type { Principal } from './principal-type.ts';

const SESSION_SCOPES = ['session'] as const;

function bearerChallenge(error?: string, description?: string): string {
  if (!error) return 'Bearer realm="basic-memory-cloud"';
  return `Bearer realm="basic-memory-cloud", error="${error}", error_description="${description}"`;
}

/** The uniform 401: `{"detail": …}` + `WWW-Authenticate: Bearer …`. */
export function unauthenticated(detail = 'Authentication required.', tokenError?: string): HttpError {
  return new HttpError(401, detail, { 'www-authenticate': bearerChallenge(tokenError, tokenError ? detail.replace(/"/g, "'") : undefined) });
}

/** Parses an Authorization header value: undefined if absent, null if not `Bearer <token>`. */
function parseBearer(h: string | null | undefined): string | null | undefined {
  if (h == null) return undefined;
  const m = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/**
 * The principal behind an access token, or null (unknown, expired, revoked session, user gone).
 * With a cache, a hit costs no database round trip (see access-token-cache.ts for why revocation
 * still applies to the next request).
 */
export async function principalFromAccessToken(
  db: Database, token: string, now: Date, ip: string | null = null, cache: AccessTokenCache | null = null,
): Promise<Principal | null> {
  if (!token.startsWith(ACCESS_TOKEN_PREFIX) || token.length > 200) return null;
  const hash = hashSecret(token);
  const t = now.getTime();
  const hit = cache?.get(hash, t);
  if (hit) {
    if (t - hit.lastTouchedAt >= 60_000) {
      hit.lastTouchedAt = t;
      void touchCliSession(db, hit.principal.sessionId!, ip, now).catch(() => {});
    }
    return hit.principal;
  }
  const epoch = cache?.beginLookup() ?? 0;
  const [row] = await db.select({
    expiresAt: oauthAccessTokens.expiresAt, session: cliSessions, user: users, tenant: tenants,
  })
    .from(oauthAccessTokens)
    .innerJoin(cliSessions, eq(cliSessions.id, oauthAccessTokens.sessionId))
    .innerJoin(users, eq(users.id, cliSessions.userId))
    .leftJoin(memberships, and(eq(memberships.userId, cliSessions.userId), eq(memberships.tenantId, cliSessions.tenantId)))
    .leftJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(oauthAccessTokens.tokenHash, hash));
  if (!row || row.session.revokedAt || row.expiresAt.getTime() <= t) return null;
  let lastTouchedAt = row.session.lastUsedAt?.getTime() ?? 0;
  if (t - lastTouchedAt >= 60_000) {
    await touchCliSession(db, row.session.id, ip, now);
    lastTouchedAt = t;
  }
  const principal: Principal = {
    user: toSessionUser(row.user), tenant: row.tenant ?? null, scopes: row.session.scope.split(' ').filter(Boolean),
    via: 'token', sessionId: row.session.id, clientId: row.session.clientId, resource: row.session.resource ?? null,
  };
  cache?.set(hash, { principal, tokenExpiresAt: row.expiresAt.getTime(), lastTouchedAt }, epoch, t);
  return principal;
}

/**
 * The principal behind an account API key (`bmc_…`), or null (malformed, unknown, revoked). Its scopes are the key's
 * (`memory:read` for a read-only key); its tenant is the key's workspace while the user is still a member. Cached
 * like access tokens (same cache, same revocation notifications).
 */
async function principalFromApiKey(
  db: Database, key: string, now: Date, ip: string | null = null, cache: AccessTokenCache | null = null,
): Promise<Principal | null> {
  if (!API_KEY_PATTERN.test(key)) return null;
  const hash = hashSecret(key);
  const t = now.getTime();
  const hit = cache?.get(hash, t);
  if (hit) {
    if (t - hit.lastTouchedAt >= 60_000) {
      hit.lastTouchedAt = t;
      void touchApiKey(db, hit.principal.apiKeyId!, ip, now).catch(() => {});
    }
    return hit.principal;
  }
  const epoch = cache?.beginLookup() ?? 0;
  const row = await findApiKeyBySecretHash(db, hash);
  if (!row) return null;
  let lastTouchedAt = row.key.lastUsedAt?.getTime() ?? 0;
  if (t - lastTouchedAt >= 60_000) {
    await touchApiKey(db, row.key.id, ip, now);
    lastTouchedAt = t;
  }
  const principal: Principal = {
    user: toSessionUser(row.user), tenant: row.tenant ?? null, scopes: scopesForApiKey(row.key.scope), via: 'api_key', apiKeyId: row.key.id,
  };
  cache?.set(hash, { principal, tokenExpiresAt: Number.MAX_SAFE_INTEGER, lastTouchedAt }, epoch, t);
  return principal;
}

/**
 * The principal of an `Authorization` header value: undefined when there is none; a present but bad
 * header throws the uniform 401 HttpError (invalid_request / invalid_token).
 */
export async function principalFromAuthorization(
  header: string | null | undefined, ip: string | null, deps: Pick<PrincipalDeps, 'db' | 'now' | 'tokenCache' | 'resource'>,
): Promise<Principal | undefined> {
  const token = parseBearer(header);
  if (token === undefined) return undefined;
  if (token === null) throw unauthenticated('Malformed Authorization header; expected "Bearer <token>".', 'invalid_request');
  if (token.startsWith(API_KEY_PREFIX)) {
    const k = await principalFromApiKey(deps.db, token, deps.now ?? new Date(), ip, deps.tokenCache ?? null);
    if (!k) throw unauthenticated('Invalid or revoked API key.', 'invalid_token');
    return k;
  }
  const p = await principalFromAccessToken(deps.db, token, deps.now ?? new Date(), ip, deps.tokenCache ?? null);
  if (!p) throw unauthenticated('Invalid or expired access token. Run `bm cloud login` again.', 'invalid_token');
  // Audience: a token bound to a resource works only there (an MCP client's token is not a key to /api or /proxy).
  if (p.resource && p.resource !== deps.resource) throw unauthenticated('This access token was issued for another resource.', 'invalid_token');
  return p;
}

// ─── HTTP Basic with an app password: accepted on WebDAV paths only ─────────────────────────────────

const WEBDAV_REALM = 'Basic Memory WebDAV';

/** The 401 of WebDAV paths: a Basic challenge (what Finder, Windows and rclone answer to) next to Bearer. */
function webdavUnauthenticated(detail = 'Authentication required: use an app password (Basic) or a CLI token (Bearer).'): HttpError {
  return new HttpError(401, detail, { 'www-authenticate': `Basic realm="${WEBDAV_REALM}", charset="UTF-8"` });
}

/** `Basic base64(user:pass)` → its parts; undefined if absent or another scheme, null if malformed. */
export function parseBasic(h: string | null | undefined): { user: string; pass: string } | null | undefined {
  if (h == null) return undefined;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+=*)\s*$/i.exec(h);
  if (!m) return /^Basic\b/i.test(h) ? null : undefined;
  if (m[1]!.length > 2048) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? null : { user: text.slice(0, i), pass: text.slice(i + 1) };
}

/**
 * The principal behind Basic credentials whose password is a live app password (the user name must be its access
 * key or its owner's email), or null. Cached like access tokens (same cache and revocation notifications).
 */
async function principalFromAppPassword(
  db: Database, basic: { user: string; pass: string }, now: Date, ip: string | null = null, cache: AccessTokenCache | null = null,
): Promise<Principal | null> {
  if (!basic.pass.startsWith(APP_PASSWORD_PREFIX) || basic.pass.length > 200) return null;
  const hash = hashSecret(basic.pass);
  const t = now.getTime();
  const nameOk = (p: Principal, accessKey: string) => basic.user === accessKey || (!!p.user.email && basic.user.toLowerCase() === p.user.email.toLowerCase());
  const hit = cache?.get(hash, t);
  if (hit) {
    if (!nameOk(hit.principal, hit.principal.scopes[1] ?? '')) return null;
    if (t - hit.lastTouchedAt >= 60_000) {
      hit.lastTouchedAt = t;
      void touchAppPassword(db, hit.principal.appPasswordId!, ip, now).catch(() => {});
    }
    return hit.principal;
  }
  const epoch = cache?.beginLookup() ?? 0;
  const row = await findAppPasswordBySecretHash(db, hash);
  if (!row) return null;
  const principal: Principal = {
    user: toSessionUser(row.user), tenant: row.tenant ?? null, scopes: ['webdav', row.password.accessKey], via: 'app_password', appPasswordId: row.password.id,
  };
  if (!nameOk(principal, row.password.accessKey)) return null;
  let lastTouchedAt = row.password.lastUsedAt?.getTime() ?? 0;
  if (t - lastTouchedAt >= 60_000) {
    await touchAppPassword(db, row.password.id, ip, now);
    lastTouchedAt = t;
  }
  cache?.set(hash, { principal, tokenExpiresAt: Number.MAX_SAFE_INTEGER, lastTouchedAt }, epoch, t);
  return principal;
}

/**
 * The caller of a `/proxy/webdav/*` request: Basic with an app password, or Bearer with a CLI access token.
 * No credentials or bad ones: the 401 with a Basic challenge (thrown HttpError). Cookies are not accepted here:
 * WebDAV's methods would otherwise be open to cross-site requests.
 */
export async function principalForWebdav(
  header: string | null | undefined, ip: string | null, deps: Pick<PrincipalDeps, 'db' | 'now' | 'tokenCache'>,
): Promise<Principal> {
  const basic = parseBasic(header);
  if (basic === null) throw webdavUnauthenticated('Malformed Basic credentials.');
  if (basic) {
    const p = await principalFromAppPassword(deps.db, basic, deps.now ?? new Date(), ip, deps.tokenCache ?? null);
    if (!p) throw webdavUnauthenticated('Invalid or revoked app password.');
    return p;
  }
  if (header == null) throw webdavUnauthenticated();
  let p: Principal | undefined;
  try { p = await principalFromAuthorization(header, ip, deps); } catch { p = undefined; }
  if (!p) throw webdavUnauthenticated('Invalid or expired access token.');
  return p;
}

export interface PrincipalDeps {
  db: Database;
  /** Our user id from the browser session cookie (next-auth), or null. */
  getSessionUserId: () => Promise<string | null>;
  now?: Date;
  /** Access-token cache (the app passes the process's; tests usually none). */
  tokenCache?: AccessTokenCache | null;
  /**
   * The RFC 8707 resource this endpoint is (`/mcp` passes `mcpResourceUrl(appUrl)`). Tokens bound to a resource
   * are accepted only where it matches exactly; unset (every /api and /proxy route) = only tokens bound to none.
   */
  resource?: string;
}

/**
 * Core of the guard with its dependencies passed in (tests, other runtimes). A present but bad
 * Bearer header throws the 401 HttpError (invalid_token); no credentials at all → null.
 */
export async function resolvePrincipalWith(req: Request, deps: PrincipalDeps): Promise<Principal | null> {
  const fromToken = await principalFromAuthorization(req.headers.get('authorization'), requestInfoFromHeaders(req.headers).ip, deps);
  if (fromToken) return fromToken;
  const userId = await deps.getSessionUserId();
  if (!userId) return null;
  const [row] = await deps.db.select({ user: users }).from(users).where(eq(users.id, userId));
  if (!row) return null;
  const [t] = await deps.db.select({ tenant: tenants }).from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId)).orderBy(memberships.createdAt).limit(1);
  return { user: toSessionUser(row.user), tenant: t?.tenant ?? null, scopes: [...SESSION_SCOPES], via: 'session' };
}

/** The caller of this request (session cookie or Bearer token), or null when there are no credentials. */
export async function resolvePrincipal(req: Request): Promise<Principal | null> {
  const [{ getDb }, { getConfig }] = await Promise.all([import('../db/index.ts'), import('../config/index.ts')]);
  return resolvePrincipalWith(req, {
    db: await getDb(),
    // Loaded only when there is no Authorization header: Bearer callers never need next-auth.
    getSessionUserId: async () => (await import('./session.ts')).getSessionUserId(),
    tokenCache: processAccessTokenCache(getConfig().oauth.accessTokenCacheMs),
  });
}
