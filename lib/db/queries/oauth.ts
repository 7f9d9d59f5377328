// Data access for the CLI's OAuth device grant: device grants, CLI sessions (token families),
// access/refresh token hashes. Every function takes the db (or a transaction) first and the time
// explicitly; nothing here sees a raw code or token, only their hashes.
import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../queryable.ts';
import {
  auditEvents, cliSessions, deviceGrants, memberships, oauthAccessTokens, oauthRefreshTokens, rateLimitCounters, tenants,
  type CliSession, type DeviceGrant, type Tenant,
} from '../schema.ts';

/** NOTIFY channel carrying the id of each revoked CLI session (payload), sent in the revoking transaction. */
export const CLI_SESSION_REVOKED_CHANNEL = 'bmc_cli_session_revoked';

// ---------------------------------------------------------------- device grants

export interface NewDeviceGrant {
  deviceCodeHash: string;
  userCodeHash: string;
  clientId: string;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  intervalSeconds: number;
  expiresAt: Date;
  deviceIp: string | null;
  deviceUserAgent: string | null;
  createdAt: Date;
}

/** Inserts a grant; returns null if the user code collides with a live one. */
export async function insertDeviceGrant(db: Queryable, g: NewDeviceGrant, now: Date): Promise<DeviceGrant | null> {
  // A pending grant past its expiry no longer holds its user code.
  await db.update(deviceGrants).set({ status: 'expired' })
    .where(and(eq(deviceGrants.userCodeHash, g.userCodeHash), eq(deviceGrants.status, 'pending'), lte(deviceGrants.expiresAt, now)));
  const rows = await db.insert(deviceGrants).values(g).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function findGrantByDeviceCodeHash(db: Queryable, hash: string): Promise<DeviceGrant | null> {
  const [row] = await db.select().from(deviceGrants).where(eq(deviceGrants.deviceCodeHash, hash));
  return row ?? null;
}

export async function findGrantById(db: Queryable, id: string): Promise<DeviceGrant | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.select().from(deviceGrants).where(eq(deviceGrants.id, id));
  return row ?? null;
}

/** The pending, unexpired grant holding this user code, if any. */
export async function findLiveGrantByUserCodeHash(db: Queryable, hash: string, now: Date): Promise<DeviceGrant | null> {
  const [row] = await db.select().from(deviceGrants)
    .where(and(eq(deviceGrants.userCodeHash, hash), eq(deviceGrants.status, 'pending'), gt(deviceGrants.expiresAt, now)));
  return row ?? null;
}

/** How many device codes are pending and unexpired right now, service-wide. */
export async function countLiveGrants(db: Queryable, now: Date): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(deviceGrants)
    .where(and(eq(deviceGrants.status, 'pending'), gt(deviceGrants.expiresAt, now)));
  return Number(row?.n ?? 0);
}

export async function expireGrant(db: Queryable, id: string): Promise<void> {
  await db.update(deviceGrants).set({ status: 'expired' }).where(and(eq(deviceGrants.id, id), eq(deviceGrants.status, 'pending')));
}

/**
 * Binds a pending grant to the account that entered its code. Succeeds if unclaimed or already
 * claimed by the same account; another account can never take it over.
 */
export async function claimGrant(db: Queryable, id: string, userId: string, now: Date): Promise<DeviceGrant | null> {
  const rows = await db.update(deviceGrants)
    .set({ claimedByUserId: userId, claimedAt: sql`coalesce(${deviceGrants.claimedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(
      eq(deviceGrants.id, id), eq(deviceGrants.status, 'pending'), gt(deviceGrants.expiresAt, now),
      or(isNull(deviceGrants.claimedByUserId), eq(deviceGrants.claimedByUserId, userId)),
    ))
    .returning();
  return rows[0] ?? null;
}

/** pending → approved | denied, only by the account that claimed it, only before expiry. */
export async function decideGrant(
  db: Queryable, id: string, userId: string, decision: 'approved' | 'denied', tenantId: string | null, now: Date,
): Promise<DeviceGrant | null> {
  const rows = await db.update(deviceGrants)
    .set({ status: decision, userId, tenantId, decidedAt: now })
    .where(and(
      eq(deviceGrants.id, id), eq(deviceGrants.status, 'pending'), gt(deviceGrants.expiresAt, now),
      eq(deviceGrants.claimedByUserId, userId),
    ))
    .returning();
  return rows[0] ?? null;
}

/** approved → redeemed, exactly once: of any number of racing callers only one gets the row. */
export async function redeemGrant(db: Queryable, id: string, now: Date): Promise<DeviceGrant | null> {
  const rows = await db.update(deviceGrants).set({ status: 'redeemed', redeemedAt: now })
    .where(and(eq(deviceGrants.id, id), eq(deviceGrants.status, 'approved'), gt(deviceGrants.expiresAt, now)))
    .returning();
  return rows[0] ?? null;
}

// ---------------------------------------------------------------- CLI sessions + tokens

export async function insertCliSession(db: Queryable, s: typeof cliSessions.$inferInsert): Promise<CliSession> {
  const [row] = await db.insert(cliSessions).values(s).returning();
  return row;
}

export async function insertAccessToken(db: Queryable, tokenHash: string, sessionId: string, expiresAt: Date, now: Date): Promise<void> {
  await db.insert(oauthAccessTokens).values({ tokenHash, sessionId, expiresAt, createdAt: now });
}

export async function insertRefreshToken(db: Queryable, tokenHash: string, sessionId: string, expiresAt: Date, now: Date): Promise<void> {
  await db.insert(oauthRefreshTokens).values({ tokenHash, sessionId, expiresAt, createdAt: now });
}

export async function findRefreshToken(db: Queryable, tokenHash: string) {
  const [row] = await db.select({ token: oauthRefreshTokens, session: cliSessions })
    .from(oauthRefreshTokens)
    .innerJoin(cliSessions, eq(cliSessions.id, oauthRefreshTokens.sessionId))
    .where(eq(oauthRefreshTokens.tokenHash, tokenHash));
  return row ?? null;
}

/** Locks a CLI session row for the rest of the transaction (the first lock taken on a token family). */
export async function lockCliSession(db: Queryable, id: string): Promise<CliSession | null> {
  const [row] = await db.select().from(cliSessions).where(eq(cliSessions.id, id)).for('update');
  return row ?? null;
}

export async function findRefreshTokenRow(db: Queryable, tokenHash: string) {
  const [row] = await db.select().from(oauthRefreshTokens).where(eq(oauthRefreshTokens.tokenHash, tokenHash));
  return row ?? null;
}

/** Marks a refresh token used; false if it already was (i.e. this is a reuse). */
export async function rotateRefreshToken(db: Queryable, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await db.update(oauthRefreshTokens).set({ rotatedAt: now })
    .where(and(eq(oauthRefreshTokens.tokenHash, tokenHash), isNull(oauthRefreshTokens.rotatedAt)))
    .returning({ h: oauthRefreshTokens.tokenHash });
  return rows.length === 1;
}

export async function findAccessTokenSession(db: Queryable, tokenHash: string) {
  const [row] = await db.select({ token: oauthAccessTokens, session: cliSessions })
    .from(oauthAccessTokens)
    .innerJoin(cliSessions, eq(cliSessions.id, oauthAccessTokens.sessionId))
    .where(eq(oauthAccessTokens.tokenHash, tokenHash));
  return row ?? null;
}

/** Revokes one session (the whole token family). Returns it if it was live. */
export async function revokeCliSession(db: Queryable, id: string, reason: string, now: Date, userId?: string): Promise<CliSession | null> {
  const rows = await db.update(cliSessions).set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(cliSessions.id, id), isNull(cliSessions.revokedAt), userId ? eq(cliSessions.userId, userId) : undefined))
    .returning();
  if (rows[0]) await deleteSessionTokens(db, id, now);
  return rows[0] ?? null;
}

/** Every live CLI session of the user (MCP connections are revoked one by one on Connected apps). */
export async function revokeAllCliSessionsForUser(db: Queryable, userId: string, reason: string, now: Date): Promise<CliSession[]> {
  const rows = await db.update(cliSessions).set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(cliSessions.userId, userId), eq(cliSessions.kind, 'cli'), isNull(cliSessions.revokedAt)))
    .returning();
  for (const r of rows) await deleteSessionTokens(db, r.id, now);
  return rows;
}

async function deleteSessionTokens(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.delete(oauthAccessTokens).where(eq(oauthAccessTokens.sessionId, sessionId));
  // Every app instance drops its cached principals when this commits (lib/auth/access-token-cache.ts).
  await db.execute(sql`select pg_notify(${CLI_SESSION_REVOKED_CHANNEL}, ${sessionId})`);
  // Refresh tokens stay (marked rotated) so a later presentation is still recognised, not "unknown".
  await db.update(oauthRefreshTokens).set({ rotatedAt: sql`coalesce(${oauthRefreshTokens.rotatedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(oauthRefreshTokens.sessionId, sessionId));
}

export async function listCliSessionsForUser(db: Queryable, userId: string, opts: { includeRevoked?: boolean } = {}): Promise<CliSession[]> {
  return db.select().from(cliSessions)
    .where(and(eq(cliSessions.userId, userId), eq(cliSessions.kind, 'cli'), opts.includeRevoked ? undefined : isNull(cliSessions.revokedAt)))
    .orderBy(desc(cliSessions.createdAt));
}

/** Records use of a session, at most once a minute per session (keeps the guard to one write a minute). */
export async function touchCliSession(db: Queryable, id: string, ip: string | null, now: Date): Promise<void> {
  const floor = new Date(now.getTime() - 60_000);
  await db.update(cliSessions).set({ lastUsedAt: now, lastUsedIp: ip })
    .where(and(eq(cliSessions.id, id), or(isNull(cliSessions.lastUsedAt), lte(cliSessions.lastUsedAt, floor))));
}

// ---------------------------------------------------------------- users, tenants, audit

/** The tenant a user's CLI reaches: their owned tenant first, else the oldest membership. */
export async function getPrimaryTenantForUser(db: Queryable, userId: string): Promise<Tenant | null> {
  const [row] = await db.select({ tenant: tenants }).from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`case when ${memberships.role} = 'owner' then 0 else 1 end`, asc(memberships.createdAt))
    .limit(1);
  return row?.tenant ?? null;
}

export interface AuditInput {
  action: string;
  actorUserId?: string | null;
  tenantId?: string | null;
  target?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
  at: Date;
}

export async function insertAuditEvent(db: Queryable, e: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    action: e.action, actorUserId: e.actorUserId ?? null, tenantId: e.tenantId ?? null, target: e.target ?? null,
    ip: e.ip ?? null, userAgent: e.userAgent ?? null, metadata: e.metadata ?? {}, createdAt: e.at,
  });
}

/** A live grant after a poll: `accepted` false when the poll came early (its interval grew). */
type PolledGrant = Pick<DeviceGrant, 'id' | 'intervalSeconds'> & { status: Extract<DeviceGrant['status'], 'pending' | 'approved'>; accepted: boolean };

/**
 * The hot path of polling in ONE statement: for a live grant of this client whose PKCE challenge
 * matches, either accept the poll (advance last_polled_at) or, if it is early, grow the interval
 * (leaving last_polled_at alone). Row-locked, so racing polls are judged one after another.
 * Returns null when the grant is unknown, foreign, terminal, expired or the PKCE check fails —
 * the caller then works out which error applies.
 */
export async function pollLiveGrant(
  db: Queryable, input: { deviceCodeHash: string; clientId: string; codeChallenge: string | null },
  now: Date, toleranceSeconds: number, maxIntervalSeconds: number,
): Promise<PolledGrant | null> {
  const nowIso = now.toISOString();
  const r = await db.execute(sql`
    with g as (
      select id, (last_polled_at is null
                  or last_polled_at <= ${nowIso}::timestamptz - make_interval(secs => interval_seconds - ${toleranceSeconds})) as ok
      from device_grants
      where device_code_hash = ${input.deviceCodeHash} and client_id = ${input.clientId}
        and status in ('pending', 'approved') and expires_at > ${nowIso}::timestamptz
        -- PKCE both ways: a verifier must match the challenge, and none may be sent for a grant
        -- that had no challenge (a downgrade: PKCE skipped at authorisation, verifier at redemption).
        and ((code_challenge is null and ${input.codeChallenge}::text is null) or code_challenge = ${input.codeChallenge})
      for update
    )
    update device_grants d set
      last_polled_at = case when g.ok then ${nowIso}::timestamptz else d.last_polled_at end,
      interval_seconds = case when g.ok then d.interval_seconds else least(d.interval_seconds + 5, ${maxIntervalSeconds}) end
    from g where d.id = g.id
    returning d.id, d.status, d.interval_seconds as "intervalSeconds", g.ok as accepted`);
  return rowsOf<PolledGrant>(r)[0] ?? null;
}

/** Housekeeping: forgets grants, counters and tokens that can no longer matter (a day past expiry). */
export async function pruneOAuthState(db: Queryable, now: Date): Promise<void> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  await db.delete(deviceGrants).where(lte(deviceGrants.expiresAt, dayAgo));
  await db.delete(rateLimitCounters).where(lte(rateLimitCounters.windowStart, dayAgo));
  await db.delete(oauthAccessTokens).where(lte(oauthAccessTokens.expiresAt, dayAgo));
  await db.delete(oauthRefreshTokens).where(lte(oauthRefreshTokens.expiresAt, now));
}
