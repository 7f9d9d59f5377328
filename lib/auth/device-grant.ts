// OAuth 2.0 Device Authorization Grant (RFC 8628) with PKCE bound to the device code (RFC 7636,
// as Keycloak does and as the upstream `bm` CLI sends). State machine in Postgres:
//   pending → approved → redeemed (exactly once)     pending → denied     pending → expired
// Every function takes the time explicitly, so tests never sleep.
import { getLogger } from '../log.ts';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Database } from '../db/client.ts';
import type { DeviceGrant } from '../db/schema.ts';
import type { Queryable } from '../db/queryable.ts';
import * as q from '../db/queries/oauth.ts';
import { SUPPORTED_SCOPES, type OAuthClient, type OAuthConfig } from '../config/oauth.ts';
import { hitRateLimit, refundRateLimit } from './rate-limit.ts';
import { networkOf, siteOf } from './network-prefix.ts';
import { USER_CODE_ALPHABET, USER_CODE_LENGTH } from './user-code-space.ts';
import {
  hashSecret, issueTokenPair, oauthError, randomToken, type OAuthError, type RequestContext, type TokenResponse,
} from './tokens.ts';

const DEVICE_CODE_PREFIX = 'bmdc_';
export { USER_CODE_ALPHABET, USER_CODE_LENGTH } from './user-code-space.ts';
/** Shown in groups of this many letters, joined by dashes: `BCDF-GHJK-LMNP`. */
const USER_CODE_GROUP = 4;
export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** 256 bits from the CSPRNG, prefixed. */
export function generateDeviceCode(): string {
  return randomToken(DEVICE_CODE_PREFIX, 32);
}

/** USER_CODE_LENGTH characters of the alphabet, uniformly (crypto.randomInt has no modulo bias). Normalised form, no dash. */
export function generateUserCode(): string {
  let s = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) s += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return s;
}

/** `BCDFGHJKLMNP` → `BCDF-GHJK-LMNP` (how it is shown). */
export function formatUserCode(normalised: string): string {
  const groups: string[] = [];
  for (let i = 0; i < normalised.length; i += USER_CODE_GROUP) groups.push(normalised.slice(i, i + USER_CODE_GROUP));
  return groups.join('-');
}

/**
 * What a person typed → the canonical code, or null if it cannot be one. Case, spaces, dashes and
 * other separators are ignored; any letter outside the alphabet or a wrong length → null.
 */
export function normaliseUserCode(input: string): string | null {
  const s = input.normalize('NFKC').toUpperCase().replace(/[\s\-_.–—]/g, '');
  if (s.length !== USER_CODE_LENGTH) return null;
  for (const ch of s) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return s;
}

export function hashUserCode(normalised: string): string {
  return hashSecret('user_code:' + normalised);
}

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const PKCE_S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a); const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---------------------------------------------------------------- device authorization endpoint

export interface DeviceAuthorizationInput {
  client: OAuthClient;
  scope?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** Validates scope and PKCE parameters; returns the normalised scope or an RFC error. */
function validateDeviceRequest(input: DeviceAuthorizationInput): { scope: string } | OAuthError {
  const requested = (input.scope ?? SUPPORTED_SCOPES.join(' ')).split(' ').filter(Boolean);
  const unknown = requested.filter((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (unknown.length) return oauthError('invalid_scope', `Unsupported scope: ${unknown.join(' ').slice(0, 100)}`);
  if (input.codeChallengeMethod !== undefined && input.codeChallenge === undefined) {
    return oauthError('invalid_request', 'code_challenge_method without code_challenge.');
  }
  if (input.codeChallenge !== undefined) {
    if (input.codeChallengeMethod !== 'S256') {
      return oauthError('invalid_request', 'Only code_challenge_method=S256 is supported (plain is not allowed).');
    }
    if (!PKCE_S256_CHALLENGE.test(input.codeChallenge)) {
      return oauthError('invalid_request', 'code_challenge must be the 43-character base64url SHA-256 of the verifier.');
    }
  } else if (input.client.requirePkce) {
    return oauthError('invalid_request', 'This client must use PKCE: send code_challenge and code_challenge_method=S256.');
  }
  return { scope: [...new Set(requested)].join(' ') };
}

/**
 * Issuance limits, so that no one caller fills the live-code pool and locks everyone out of CLI login: per
 * address, per network (IPv4 /24, IPv6 /64: rotating addresses inside one's own network gains nothing), per
 * IPv6 site (/48) and per client id (no client takes more than its share of the pool). Counted in that order;
 * a request refused by a later key gives the earlier counts back. Returns the refusing scope, or null.
 */
async function hitDeviceIssueLimits(
  db: Database, clientId: string, cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<{ scope: string; retryAfterSeconds: number } | null> {
  const limits = [
    { scope: 'address', key: `device_issue:ip:${ctx.ip ?? 'unknown'}`, rule: cfg.deviceIssueLimit },
    { scope: 'network', key: `device_issue:net:${networkOf(ctx.ip)}`, rule: cfg.deviceIssueLimitPerNetwork },
    { scope: 'site', key: `device_issue:site:${siteOf(ctx.ip)}`, rule: cfg.deviceIssueLimitPerSite },
    { scope: 'client', key: `device_issue:client:${clientId}`, rule: cfg.deviceIssueLimitPerClient },
  ];
  for (let i = 0; i < limits.length; i++) {
    const l = limits[i]!;
    const hit = await hitRateLimit(db, l.key, l.rule, now);
    if (!hit.allowed) {
      for (const earlier of limits.slice(0, i)) await refundRateLimit(db, earlier.key, earlier.rule, now);
      return { scope: l.scope, retryAfterSeconds: hit.retryAfterSeconds };
    }
  }
  return null;
}

/** Creates a pending grant (rate limited per address, network, site and client) and returns the RFC 8628 §3.2 response. */
export async function startDeviceAuthorization(
  db: Database, input: DeviceAuthorizationInput, cfg: OAuthConfig, ctx: RequestContext, verificationUri: string, now: Date,
): Promise<DeviceAuthorizationResponse | OAuthError> {
  const valid = validateDeviceRequest(input);
  if ('error' in valid) return valid;
  const refusedBy = await hitDeviceIssueLimits(db, input.client.id, cfg, ctx, now);
  if (refusedBy) {
    return oauthError('temporarily_unavailable', `Too many device authorization requests from this ${refusedBy.scope}; retry in ${refusedBy.retryAfterSeconds} s.`, 429,
      { retryAfterSeconds: refusedBy.retryAfterSeconds });
  }
  // Bounded live codes keep a guesser's odds bounded (README: "Guessing user codes").
  if (await q.countLiveGrants(db, now) >= cfg.maxLiveCodes) {
    getLogger().child({ component: 'oauth' }).warn({ alert: 'device_live_codes_full', max: cfg.maxLiveCodes }, 'too many pending device codes');
    return oauthError('temporarily_unavailable', 'Too many logins are waiting for approval; retry in a minute.', 503, { retryAfterSeconds: 60 });
  }
  // Now and then, forget what expired more than a day ago (any instance may do it; it is idempotent).
  if (Math.random() < 0.01) await q.pruneOAuthState(db, now).catch(() => {});
  const deviceCode = generateDeviceCode();
  for (let attempt = 0; attempt < 8; attempt++) {
    const userCode = generateUserCode();
    const grant = await q.insertDeviceGrant(db, {
      deviceCodeHash: hashSecret(deviceCode),
      userCodeHash: hashUserCode(userCode),
      clientId: input.client.id,
      scope: valid.scope,
      codeChallenge: input.codeChallenge ?? null,
      codeChallengeMethod: input.codeChallenge ? 'S256' : null,
      intervalSeconds: cfg.pollIntervalSeconds,
      expiresAt: new Date(now.getTime() + cfg.deviceCodeTtlSeconds * 1000),
      deviceIp: ctx.ip,
      deviceUserAgent: ctx.userAgent?.slice(0, 400) ?? null,
      createdAt: now,
    }, now);
    if (!grant) continue; // user-code collision with a live grant: draw again
    const shown = formatUserCode(userCode);
    const complete = new URL(verificationUri);
    complete.searchParams.set('user_code', shown);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: complete.toString(),
      expires_in: cfg.deviceCodeTtlSeconds,
      interval: cfg.pollIntervalSeconds,
    };
  }
  return oauthError('temporarily_unavailable', 'Could not allocate a user code; try again.', 503);
}

// ---------------------------------------------------------------- token endpoint, device_code grant

export interface DevicePollInput {
  clientId: string;
  deviceCode: string;
  codeVerifier?: string;
}

/**
 * One poll. Order: unknown/foreign code → invalid_grant; PKCE → invalid_grant; terminal states;
 * expiry; then the slow_down check against the last ACCEPTED poll; then pending or redemption.
 */
export async function pollDeviceGrant(
  db: Database, input: DevicePollInput, cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<TokenResponse | OAuthError> {
  const invalid = oauthError('invalid_grant', 'The device code is invalid, expired or already used.');
  if (input.codeVerifier !== undefined && !PKCE_VERIFIER.test(input.codeVerifier)) {
    return oauthError('invalid_request', 'code_verifier must be 43–128 characters of [A-Za-z0-9-._~].');
  }
  if (!input.deviceCode.startsWith(DEVICE_CODE_PREFIX)) return invalid;
  const deviceCodeHash = hashSecret(input.deviceCode);
  // Fast path (one statement): a live grant of this client with a matching PKCE verifier.
  const live = await q.pollLiveGrant(db, {
    deviceCodeHash, clientId: input.clientId, codeChallenge: input.codeVerifier === undefined ? null : s256(input.codeVerifier),
  }, now, cfg.pollToleranceSeconds, cfg.maxPollIntervalSeconds);
  if (live) {
    // An approved code is redeemed exactly once whatever the pace: racing polls go to the redemption, where
    // the losers get invalid_grant (never slow_down for a code that is already spent).
    if (live.status === 'approved') return redeemDeviceGrant(db, live.id, cfg, ctx, now);
    if (!live.accepted) {
      return oauthError('slow_down', `Polling too fast; wait ${live.intervalSeconds} s between requests.`, 400, { interval: live.intervalSeconds });
    }
    return oauthError('authorization_pending', 'Waiting for the user to approve the request.');
  }
  // Slow path: say precisely why not (and never advance the poll clock for these).
  const grant = await q.findGrantByDeviceCodeHash(db, deviceCodeHash);
  if (!grant || grant.clientId !== input.clientId) return invalid;
  if (grant.codeChallenge) {
    if (input.codeVerifier === undefined) return oauthError('invalid_grant', 'code_verifier is required for this device code.');
    if (!safeEqual(s256(input.codeVerifier), grant.codeChallenge)) return oauthError('invalid_grant', 'PKCE verification failed.');
  } else if (input.codeVerifier !== undefined) {
    // PKCE skipped at authorisation but a verifier at redemption: a downgrade, refused.
    return oauthError('invalid_grant', 'code_verifier sent, but the device authorization request had no code_challenge.');
  }
  if (grant.status === 'redeemed') {
    await auditReplayedDeviceCode(db, grant, ctx, now);
    return invalid;
  }
  if (grant.status === 'denied') return oauthError('access_denied', 'The request was denied.');
  if (grant.status === 'expired' || grant.expiresAt.getTime() <= now.getTime()) {
    if (grant.status === 'pending') await q.expireGrant(db, grant.id);
    return oauthError('expired_token', 'The device code has expired; start the login again.');
  }
  // A grant that changed state between the two reads (e.g. just redeemed by a racing poll).
  return invalid;
}

/**
 * A device code presented again after it was redeemed: someone else may hold a copy of it. Audited
 * (and logged as an alert); the answer stays a plain invalid_grant.
 */
async function auditReplayedDeviceCode(db: Queryable, grant: DeviceGrant, ctx: RequestContext, now: Date): Promise<void> {
  await q.insertAuditEvent(db, {
    action: 'oauth.device.redeem_replayed', actorUserId: grant.userId, tenantId: grant.tenantId, target: `device_grant:${grant.id}`,
    ip: ctx.ip, userAgent: ctx.userAgent, at: now,
    metadata: { clientId: grant.clientId, redeemedAt: grant.redeemedAt?.toISOString() ?? null, deviceIp: grant.deviceIp },
  });
  getLogger().child({ component: 'oauth' }).warn({ alert: 'device_code_replayed', grantId: grant.id, ip: ctx.ip }, 'a redeemed device code was presented again');
}

/**
 * approved → redeemed and a new CLI session with its first token pair, in one transaction.
 * However many callers race, exactly one gets tokens; the rest get invalid_grant.
 */
export async function redeemDeviceGrant(
  db: Database, grantId: string, cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<TokenResponse | OAuthError> {
  return db.transaction(async (tx) => {
    const g = await q.redeemGrant(tx, grantId, now);
    if (!g || !g.userId) {
      // Lost a race with another redemption of the same code: that is a replay too.
      const other = await q.findGrantById(tx, grantId);
      if (other?.status === 'redeemed') await auditReplayedDeviceCode(tx, other, ctx, now);
      return oauthError('invalid_grant', 'The device code is invalid, expired or already used.');
    }
    const session = await q.insertCliSession(tx, {
      grantId: g.id, userId: g.userId, tenantId: g.tenantId, clientId: g.clientId, scope: g.scope,
      deviceIp: g.deviceIp, deviceUserAgent: g.deviceUserAgent, createdAt: now, lastUsedAt: now, lastUsedIp: ctx.ip,
    });
    const tokens = await issueTokenPair(tx, session, cfg, now);
    await q.insertAuditEvent(tx, {
      action: 'oauth.device.redeem', actorUserId: g.userId, tenantId: g.tenantId, target: `cli_session:${session.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent, metadata: { clientId: g.clientId, grantId: g.id }, at: now,
    });
    return tokens;
  }) as Promise<TokenResponse | OAuthError>;
}

// ---------------------------------------------------------------- approval page (/device)

export type CodeEntryResult =
  | { ok: true; grant: DeviceGrant }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number; scope: CodeEntryBudget };

type CodeEntryBudget = 'user' | 'ip' | 'global';

/**
 * A signed-in user entered a code. Failed entries count against the user, the IP and the whole
 * service (RFC 8628 §5.1); over any budget nothing is looked up — a correct code is refused too, so
 * the lock tells a guesser nothing. Unknown, expired, used and someone-else's codes are all just
 * 'invalid'. A match binds (claims) the grant to this user: no other account can approve it afterwards.
 *
 * Every attempt is counted BEFORE the lookup (one atomic upsert per key), so however many entries
 * race, at most `limit` of them per window are ever evaluated; a match, or an attempt refused by a
 * later key, gives its counts back. The first refusal of a window is audited and logged as an alert.
 */
export async function enterUserCode(
  db: Database, input: { userCode: string; userId: string }, cfg: OAuthConfig, ctx: RequestContext, now: Date,
): Promise<CodeEntryResult> {
  const windowSeconds = cfg.codeEntryLimit.windowSeconds;
  const budgets: Array<{ scope: CodeEntryBudget; key: string; rule: { limit: number; windowSeconds: number } }> = [
    { scope: 'user', key: `code_entry_fail:user:${input.userId}`, rule: { limit: cfg.codeEntryLimit.perUser, windowSeconds } },
    // An IPv6 address is its /64: one host can rotate through 2^64 of them.
    { scope: 'ip', key: `code_entry_fail:ip:${ctx.ip && isIPv6(ctx.ip) ? networkOf(ctx.ip) : ctx.ip ?? 'unknown'}`, rule: { limit: cfg.codeEntryLimit.perIp, windowSeconds } },
    { scope: 'global', key: 'code_entry_fail:global', rule: { limit: cfg.codeEntryLimit.global, windowSeconds } },
  ];
  let globalSpent: { retryAfterSeconds: number } | null = null;
  for (let i = 0; i < budgets.length; i++) {
    const b = budgets[i]!;
    const hit = await hitRateLimit(db, b.key, b.rule, now);
    if (!hit.allowed) {
      if (hit.count === b.rule.limit + 1) await reportExhaustedBudget(db, b.scope, b.rule, input.userId, ctx, now);
      if (b.scope === 'global') { globalSpent = { retryAfterSeconds: hit.retryAfterSeconds }; break; }
      // Not evaluated: the budgets counted before this one keep the attempt.
      for (const earlier of budgets.slice(0, i)) await refundRateLimit(db, earlier.key, earlier.rule, now);
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: hit.retryAfterSeconds, scope: b.scope };
    }
  }
  const normalised = normaliseUserCode(input.userCode);
  const grant = normalised ? await q.findLiveGrantByUserCodeHash(db, hashUserCode(normalised), now) : null;
  // The service-wide budget is spent (perhaps by a few dozen accounts): codes are then looked for only among
  // the logins started from the entering person's own network (/24, /64), where the terminal of someone
  // signing in from the same machine or LAN is. Anything else, right or wrong, is refused alike, so the lock is
  // no oracle for other networks' codes; this account's and this address's own budgets still bound its guesses.
  if (globalSpent && (!grant || networkOf(grant.deviceIp) !== networkOf(ctx.ip) || networkOf(ctx.ip) === 'unknown')) {
    return { ok: false, reason: 'rate_limited', retryAfterSeconds: globalSpent.retryAfterSeconds, scope: 'global' };
  }
  const claimed = grant ? await q.claimGrant(db, grant.id, input.userId, now) : null;
  if (!claimed) return { ok: false, reason: 'invalid' };
  // Only failures count.
  for (const b of budgets) await refundRateLimit(db, b.key, b.rule, now);
  return { ok: true, grant: claimed };
}

async function reportExhaustedBudget(
  db: Database, scope: CodeEntryBudget, rule: { limit: number; windowSeconds: number }, userId: string, ctx: RequestContext, now: Date,
): Promise<void> {
  await q.insertAuditEvent(db, {
    action: 'oauth.device.code_entry_locked', actorUserId: userId, target: scope === 'user' ? `user:${userId}` : scope === 'ip' ? `ip:${ctx.ip ?? 'unknown'}` : 'service',
    ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { budget: scope, limit: rule.limit, windowSeconds: rule.windowSeconds },
  });
  getLogger().child({ component: 'oauth' }).warn(
    { alert: 'code_entry_budget_exhausted', budget: scope, limit: rule.limit, windowSeconds: rule.windowSeconds, userId, ip: ctx.ip },
    `user-code entry budget exhausted (${scope})`,
  );
}

/** The grant shown on the confirmation step: only to the user who claimed it, only while pending. */
export async function getGrantForConfirmation(db: Database, grantId: string, userId: string, now: Date): Promise<
  { state: 'pending'; grant: DeviceGrant } | { state: 'expired' | 'invalid' }
> {
  const g = await q.findGrantById(db, grantId);
  if (!g || g.claimedByUserId !== userId) return { state: 'invalid' };
  if (g.status === 'expired' || (g.status === 'pending' && g.expiresAt.getTime() <= now.getTime())) return { state: 'expired' };
  if (g.status !== 'pending') return { state: 'invalid' };
  return { state: 'pending', grant: g };
}

export type DecisionResult = 'approved' | 'denied' | 'expired' | 'invalid';

/**
 * The tenant an approval binds: the user's own (owner) tenant first, else their oldest membership.
 * The confirmation page shows exactly this, so what is shown is what is granted.
 */
export function tenantForApproval(db: Queryable, userId: string) {
  return q.getPrimaryTenantForUser(db, userId);
}

/**
 * Approve or deny, by the claiming user only; POST-only callers (the page never approves on GET).
 * `shownTenantId` (the tenant the confirmation page showed, null for none): if the user's tenant
 * changed since, the approval is refused rather than binding a tenant the person never saw.
 */
export async function decideDeviceGrant(
  db: Database, input: { grantId: string; userId: string; decision: 'approve' | 'deny'; shownTenantId?: string | null },
  ctx: RequestContext, now: Date,
): Promise<DecisionResult> {
  const current = await getGrantForConfirmation(db, input.grantId, input.userId, now);
  if (current.state !== 'pending') {
    if (current.state === 'expired') await q.expireGrant(db, input.grantId);
    return current.state;
  }
  return db.transaction(async (tx) => {
    const tenant = input.decision === 'approve' ? await tenantForApproval(tx, input.userId) : null;
    if (input.decision === 'approve' && input.shownTenantId !== undefined && (tenant?.id ?? null) !== input.shownTenantId) return 'invalid' as const;
    const status = input.decision === 'approve' ? 'approved' : 'denied';
    const g = await q.decideGrant(tx, input.grantId, input.userId, status, tenant?.id ?? null, now);
    if (!g) return 'invalid' as const;
    await q.insertAuditEvent(tx, {
      action: input.decision === 'approve' ? 'oauth.device.approve' : 'oauth.device.deny',
      actorUserId: input.userId, tenantId: tenant?.id ?? null, target: `device_grant:${g.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent,
      metadata: { clientId: g.clientId, scope: g.scope, deviceIp: g.deviceIp, deviceUserAgent: g.deviceUserAgent }, at: now,
    });
    return status;
  });
}
