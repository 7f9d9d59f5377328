// Authorization codes and the token families (MCP connections) they become:
//   - a code lives 60 s, is used once (a replay revokes the connection it made, RFC 6749 §4.1.2), and is bound
//     to client, redirect URI, PKCE S256 challenge, resource, user and tenant;
//   - a connection's access tokens live OAUTH_ACCESS_TOKEN_TTL_SECONDS (1 h); its refresh tokens
//     OAUTH_REFRESH_TOKEN_TTL_SECONDS (30 d) from their issue, so an app in use never has to sign in again;
//   - refresh tokens rotate on every use, and the immediately previous one is honoured until its replacement is
//     first used (a client that lost a refresh answer can retry); an older one fails;
//   - `resource` is rechecked on every exchange (`invalid_target`).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import type { CliSession } from '../../db/schema.ts';
import type { Queryable } from '../../db/queryable.ts';
import * as q from '../../db/queries/oauth.ts';
import * as mq from '../../db/queries/mcp-oauth.ts';
import type { OAuthConfig } from '../../config/oauth.ts';
import { invalidateAccessTokenCache } from '../access-token-cache.ts';
import {
  ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, hashSecret, oauthError, randomToken, type OAuthError, type RequestContext, type TokenResponse,
} from '../tokens.ts';
import { grantedScope } from './scopes.ts';
import type { PendingRequest } from './authorization-request.ts';

const AUTHORIZATION_CODE_PREFIX = 'bmac_';
const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a); const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The person approved: a one-time code for the chosen groups, bound to everything the request carried. */
export async function issueAuthorizationCode(
  db: Database, input: { request: PendingRequest; userId: string; tenantId: string | null; groups: string[] }, ctx: RequestContext, now: Date,
): Promise<string> {
  const code = randomToken(AUTHORIZATION_CODE_PREFIX, 32);
  const scope = grantedScope(input.groups);
  await db.transaction(async (tx) => {
    await mq.insertAuthorizationCode(tx, {
      codeHash: hashSecret(code), clientId: input.request.clientId, userId: input.userId, tenantId: input.tenantId,
      redirectUri: input.request.redirectUri, codeChallenge: input.request.codeChallenge, resource: input.request.resource, scope,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000), createdAt: now,
    });
    await q.insertAuditEvent(tx, {
      action: 'oauth.mcp.consent', actorUserId: input.userId, tenantId: input.tenantId, target: `client:${input.request.clientId.slice(0, 300)}`,
      ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { scope, redirectUri: input.request.redirectUri },
    });
  });
  return code;
}

async function issueMcpTokenPair(db: Queryable, session: CliSession, cfg: OAuthConfig, now: Date): Promise<{ body: TokenResponse; refreshHash: string }> {
  const access = randomToken(ACCESS_TOKEN_PREFIX);
  const refresh = randomToken(REFRESH_TOKEN_PREFIX);
  await q.insertAccessToken(db, hashSecret(access), session.id, new Date(now.getTime() + cfg.accessTokenTtlSeconds * 1000), now);
  const refreshHash = hashSecret(refresh);
  await q.insertRefreshToken(db, refreshHash, session.id, new Date(now.getTime() + cfg.refreshTokenTtlSeconds * 1000), now);
  return {
    body: { access_token: access, token_type: 'Bearer', expires_in: cfg.accessTokenTtlSeconds, refresh_token: refresh, scope: session.scope },
    refreshHash,
  };
}

/** The authorization_code grant: code → a new MCP connection with its first token pair. */
export async function exchangeAuthorizationCode(
  db: Database, input: { clientId: string; code: string; redirectUri?: string; codeVerifier?: string; resource?: string },
  cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<TokenResponse | OAuthError> {
  const invalid = oauthError('invalid_grant', 'The authorization code is invalid, expired or already used.');
  if (!input.codeVerifier) return oauthError('invalid_request', 'Missing code_verifier (PKCE is required).');
  if (!PKCE_VERIFIER.test(input.codeVerifier)) return oauthError('invalid_request', 'code_verifier must be 43-128 characters of [A-Za-z0-9-._~].');
  if (!input.code.startsWith(AUTHORIZATION_CODE_PREFIX) || input.code.length > 200) return invalid;
  let revoked = false;
  const result = await db.transaction(async (tx) => {
    const code = await mq.lockAuthorizationCode(tx, hashSecret(input.code));
    if (!code) return invalid;
    if (code.usedAt) {
      // A code presented twice: whoever holds a copy must not keep what it made.
      if (code.sessionId && await q.revokeCliSession(tx, code.sessionId, 'authorization_code_replay', now)) revoked = true;
      await q.insertAuditEvent(tx, {
        action: 'oauth.mcp.code_replayed', actorUserId: code.userId, tenantId: code.tenantId, target: code.sessionId ? `cli_session:${code.sessionId}` : null,
        ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { clientId: code.clientId },
      });
      return invalid;
    }
    if (code.expiresAt.getTime() <= now.getTime() || code.clientId !== input.clientId) return invalid;
    if (input.redirectUri !== code.redirectUri) return oauthError('invalid_grant', 'redirect_uri does not match the one of the authorization request.');
    if (input.resource !== undefined && input.resource !== code.resource) return oauthError('invalid_target', 'resource does not match the one the code was issued for.');
    const challenge = createHash('sha256').update(input.codeVerifier!, 'ascii').digest('base64url');
    if (!safeEqual(challenge, code.codeChallenge)) return oauthError('invalid_grant', 'PKCE verification failed.');
    const session = await q.insertCliSession(tx, {
      userId: code.userId, tenantId: code.tenantId, clientId: code.clientId, scope: code.scope, kind: 'mcp', resource: code.resource,
      redirectUri: code.redirectUri, deviceIp: ctx.ip, deviceUserAgent: ctx.userAgent?.slice(0, 400) ?? null, createdAt: now, lastUsedAt: now, lastUsedIp: ctx.ip,
    });
    await mq.markAuthorizationCodeUsed(tx, code.codeHash, session.id, now);
    await mq.touchOAuthClient(tx, code.clientId, now);
    const { body } = await issueMcpTokenPair(tx, session, cfg, now);
    await q.insertAuditEvent(tx, {
      action: 'oauth.mcp.connect', actorUserId: code.userId, tenantId: code.tenantId, target: `cli_session:${session.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { clientId: code.clientId, scope: code.scope, redirectUri: code.redirectUri },
    });
    return body;
  }) as TokenResponse | OAuthError;
  if (revoked) invalidateAccessTokenCache();
  return result;
}

/** The refresh_token grant of an MCP connection (rotation with the one-step grace described above). */
export async function refreshMcpConnection(
  db: Database, input: { clientId: string; refreshToken: string; resource?: string; scope?: string }, cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<TokenResponse | OAuthError> {
  const invalid = oauthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
  if (!input.refreshToken.startsWith(REFRESH_TOKEN_PREFIX) || input.refreshToken.length > 200) return invalid;
  const hash = hashSecret(input.refreshToken);
  return db.transaction(async (tx) => {
    const seen = await q.findRefreshToken(tx, hash);
    if (!seen) return invalid;
    // Same lock order as the CLI's refresh: the family first, then its tokens.
    const session = await q.lockCliSession(tx, seen.session.id);
    const token = session ? await q.findRefreshTokenRow(tx, hash) : null;
    if (!session || !token || session.kind !== 'mcp' || session.clientId !== input.clientId || session.revokedAt) return invalid;
    if (input.resource !== undefined && input.resource !== session.resource) return oauthError('invalid_target', 'resource does not match the one this connection was granted for.');
    if (input.scope !== undefined) {
      const granted = new Set(session.scope.split(' '));
      if (!input.scope.split(' ').filter(Boolean).every((s) => granted.has(s))) return oauthError('invalid_scope', 'A refresh may not widen the granted scope.');
    }
    if (!token.rotatedAt) {
      if (token.expiresAt.getTime() <= now.getTime()) return invalid;
      if (!(await q.rotateRefreshToken(tx, hash, now))) return invalid;
      const next = await issueMcpTokenPair(tx, session, cfg, now);
      await mq.setRefreshReplacement(tx, hash, next.refreshHash);
      await q.touchCliSession(tx, session.id, ctx.ip, now);
      return next.body;
    }
    // The previous token again: honoured while its replacement has never been used (the answer that carried the
    // replacement may have been lost). The unused replacement is dropped; this token stays "the previous one".
    const replacement = token.replacedByHash ? await q.findRefreshTokenRow(tx, token.replacedByHash) : null;
    if (replacement && !replacement.rotatedAt && replacement.expiresAt.getTime() > now.getTime()) {
      await mq.deleteRefreshToken(tx, replacement.tokenHash);
      const next = await issueMcpTokenPair(tx, session, cfg, now);
      await mq.setRefreshReplacement(tx, hash, next.refreshHash);
      await q.touchCliSession(tx, session.id, ctx.ip, now);
      return next.body;
    }
    await q.insertAuditEvent(tx, {
      action: 'oauth.mcp.stale_refresh_token', actorUserId: session.userId, tenantId: session.tenantId, target: `cli_session:${session.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { clientId: session.clientId, rotatedAt: token.rotatedAt.toISOString() },
    });
    return invalid;
  }) as Promise<TokenResponse | OAuthError>;
}

/** Revokes one MCP connection of `userId` (Connected apps); takes effect on the next call. */
export async function revokeMcpConnection(db: Database, input: { sessionId: string; userId: string; reason: string }, ctx: RequestContext, now: Date): Promise<boolean> {
  const ok = await db.transaction(async (tx) => {
    const conn = await mq.findMcpConnection(tx, input.userId, input.sessionId);
    if (!conn) return false;
    const s = await q.revokeCliSession(tx, conn.id, input.reason, now, input.userId);
    if (!s) return false;
    await q.insertAuditEvent(tx, {
      action: 'oauth.mcp.revoke', actorUserId: input.userId, tenantId: s.tenantId, target: `cli_session:${s.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { clientId: s.clientId, reason: input.reason },
    });
    return true;
  });
  if (ok) invalidateAccessTokenCache();
  return ok;
}
