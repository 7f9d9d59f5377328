// Access and refresh tokens for CLI sessions. Both are opaque random strings with a recognisable
// prefix (secret-scanning friendly), stored only as SHA-256 hashes. An access token is bound to its
// CLI session (the token family of one device grant), so revoking the session takes effect on the
// very next request. Refresh tokens rotate on every use; presenting an already-rotated one revokes
// the whole family (RFC 9700 §2.2.2, §4.14).
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { CliSession } from '../db/schema.ts';
import type { Queryable } from '../db/queryable.ts';
import * as q from '../db/queries/oauth.ts';
import type { OAuthConfig } from '../config/oauth.ts';
import { invalidateAccessTokenCache } from './access-token-cache.ts';

export const ACCESS_TOKEN_PREFIX = 'bmat_';
export const REFRESH_TOKEN_PREFIX = 'bmrt_';

/** SHA-256 hex of a secret (codes and tokens are ≥ 128-bit random, so no salt or slow hash is needed). */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** RFC 6749 §5.2 error, plus the HTTP status to send and, for slow_down, the new interval. */
export interface OAuthError {
  error: string;
  error_description: string;
  status: number;
  interval?: number;
  retryAfterSeconds?: number;
}

export function oauthError(error: string, description: string, status = 400, extra: Partial<OAuthError> = {}): OAuthError {
  return { error, error_description: description, status, ...extra };
}

/**
 * Why a CLI session may no longer be refreshed: past its absolute lifetime (from sign-in) or idle
 * longer than the idle lifetime (no token use or refresh); null while it is live.
 */
function cliSessionEnded(session: Pick<CliSession, 'createdAt' | 'lastUsedAt'>, cfg: Pick<OAuthConfig, 'cliSessionMaxAgeSeconds' | 'cliSessionIdleSeconds'>, now: Date): 'max_age' | 'idle_timeout' | null {
  const t = now.getTime();
  if (t - session.createdAt.getTime() >= cfg.cliSessionMaxAgeSeconds * 1000) return 'max_age';
  const lastActive = Math.max(session.createdAt.getTime(), session.lastUsedAt?.getTime() ?? 0);
  if (t - lastActive >= cfg.cliSessionIdleSeconds * 1000) return 'idle_timeout';
  return null;
}

/** Issues a fresh access + refresh token in `session`. Call inside the transaction that created or rotated it. */
export async function issueTokenPair(db: Queryable, session: CliSession, cfg: OAuthConfig, now: Date): Promise<TokenResponse> {
  const access = randomToken(ACCESS_TOKEN_PREFIX);
  const refresh = randomToken(REFRESH_TOKEN_PREFIX);
  await q.insertAccessToken(db, hashSecret(access), session.id, new Date(now.getTime() + cfg.accessTokenTtlSeconds * 1000), now);
  const refreshEnd = Math.min(now.getTime() + cfg.refreshTokenTtlSeconds * 1000, session.createdAt.getTime() + cfg.cliSessionMaxAgeSeconds * 1000);
  await q.insertRefreshToken(db, hashSecret(refresh), session.id, new Date(refreshEnd), now);
  return { access_token: access, token_type: 'Bearer', expires_in: cfg.accessTokenTtlSeconds, refresh_token: refresh, scope: session.scope };
}

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

/**
 * The refresh_token grant: rotates the token and returns a new pair (always with a refresh_token).
 * A rotated token presented again is a reuse: the whole family is revoked and audited.
 */
export async function refreshTokenGrant(
  db: Database, input: { refreshToken: string; clientId: string; scope?: string }, cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<TokenResponse | OAuthError> {
  const invalid = oauthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
  if (!input.refreshToken.startsWith(REFRESH_TOKEN_PREFIX)) return invalid;
  const hash = hashSecret(input.refreshToken);
  let revoked = false;
  const result = await db.transaction(async (tx) => {
    const seen = await q.findRefreshToken(tx, hash);
    if (!seen) return invalid;
    // One lock order for everything that touches a token family: the session row first, then its
    // tokens. Racing refreshes queue here one after another; without it, losers waiting on the token
    // row and a revoking loser locked each other into a deadlock (a 500 instead of invalid_grant).
    const session = await q.lockCliSession(tx, seen.session.id);
    const token = session ? await q.findRefreshTokenRow(tx, hash) : null;
    if (!session || !token) return invalid;
    if (session.clientId !== input.clientId) return invalid;
    if (session.revokedAt) return invalid;
    const ended = cliSessionEnded(session, cfg, now);
    if (!token.rotatedAt && ended) {
      await q.revokeCliSession(tx, session.id, ended, now);
      revoked = true;
      await q.insertAuditEvent(tx, {
        action: 'oauth.cli_session.expired', actorUserId: session.userId, tenantId: session.tenantId,
        target: `cli_session:${session.id}`, ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { reason: ended, clientId: session.clientId },
      });
      return oauthError('invalid_grant', ended === 'idle_timeout'
        ? 'The CLI session was idle too long; run `bm cloud login` again.'
        : 'The CLI session reached its maximum lifetime; run `bm cloud login` again.');
    }
    if (!token.rotatedAt && token.expiresAt.getTime() <= now.getTime()) return invalid;
    if (input.scope !== undefined) {
      const granted = new Set(session.scope.split(' '));
      if (!input.scope.split(' ').filter(Boolean).every((s) => granted.has(s))) {
        return oauthError('invalid_scope', 'A refresh may not widen the granted scope.');
      }
    }
    if (token.rotatedAt || !(await q.rotateRefreshToken(tx, hash, now))) {
      // Reuse of a rotated refresh token: someone else may hold the family. Revoke all of it.
      revoked = (await q.revokeCliSession(tx, session.id, 'refresh_token_reuse', now)) !== null;
      await q.insertAuditEvent(tx, {
        action: 'oauth.refresh_token.reuse_detected', actorUserId: session.userId, tenantId: session.tenantId,
        target: `cli_session:${session.id}`, ip: ctx.ip, userAgent: ctx.userAgent, at: now,
        metadata: { clientId: session.clientId, rotatedAt: token.rotatedAt?.toISOString() ?? null },
      });
      return invalid;
    }
    await q.touchCliSession(tx, session.id, ctx.ip, now);
    return issueTokenPair(tx, session, cfg, now);
  }) as TokenResponse | OAuthError;
  if (revoked) invalidateAccessTokenCache();
  return result;
}

/**
 * RFC 7009 revocation: an access or refresh token revokes its whole CLI session. Unknown tokens and
 * tokens of another client are ignored (the caller answers 200 either way).
 */
export async function revokeToken(
  db: Database, input: { token: string; clientId: string }, ctx: RequestContext, now: Date,
): Promise<boolean> {
  const hash = hashSecret(input.token);
  let session: CliSession | null = null;
  if (input.token.startsWith(REFRESH_TOKEN_PREFIX)) session = (await q.findRefreshToken(db, hash))?.session ?? null;
  else if (input.token.startsWith(ACCESS_TOKEN_PREFIX)) session = (await q.findAccessTokenSession(db, hash))?.session ?? null;
  if (!session || session.clientId !== input.clientId || session.revokedAt) return false;
  return revokeSession(db, session.id, { reason: 'client_revocation', actorUserId: session.userId }, ctx, now);
}

/** Revokes one CLI session (optionally only if it belongs to `ownerUserId`), with an audit event. */
export async function revokeSession(
  db: Database, sessionId: string, opts: { reason: string; actorUserId: string | null; ownerUserId?: string }, ctx: RequestContext, now: Date,
): Promise<boolean> {
  const revoked = await db.transaction(async (tx) => {
    const s = await q.revokeCliSession(tx, sessionId, opts.reason, now, opts.ownerUserId);
    if (!s) return false;
    await q.insertAuditEvent(tx, {
      action: 'oauth.cli_session.revoke', actorUserId: opts.actorUserId, tenantId: s.tenantId, target: `cli_session:${s.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent, metadata: { reason: opts.reason, clientId: s.clientId }, at: now,
    });
    return true;
  });
  if (revoked) invalidateAccessTokenCache();
  return revoked;
}

export async function revokeAllSessions(db: Database, userId: string, ctx: RequestContext, now: Date): Promise<number> {
  const n = await db.transaction(async (tx) => {
    const rows = await q.revokeAllCliSessionsForUser(tx, userId, 'user_revoked_all', now);
    if (rows.length) {
      await q.insertAuditEvent(tx, {
        action: 'oauth.cli_session.revoke_all', actorUserId: userId, tenantId: rows[0].tenantId, target: `user:${userId}`,
        ip: ctx.ip, userAgent: ctx.userAgent, metadata: { count: rows.length, sessions: rows.map((r) => r.id) }, at: now,
      });
    }
    return rows.length;
  });
  if (n) invalidateAccessTokenCache();
  return n;
}
