// Data access for the CLI's OAuth device grant: device grants, CLI sessions (token families),
// access/refresh token hashes. Every function takes the db (or a transaction) first and the time
// explicitly; nothing here sees a raw code or token, only their hashes.
import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import {
  auditEvents, cliSessions, deviceGrants, memberships, oauthAccessTokens, oauthRefreshTokens, tenants, users,
  type CliSession, type DeviceGrant, type Tenant, type User,
} from '../schema.ts';

/** A db handle or a transaction of one. */
export type Queryable = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

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

/**
 * Accepts a poll if it comes at least `interval − tolerance` seconds after the last accepted one,
 * atomically (so racing polls cannot all be accepted). Returns false for a poll that is too early.
 */
export async function acceptPoll(db: Queryable, id: string, now: Date, toleranceSeconds: number): Promise<boolean> {
  const rows = await db.update(deviceGrants).set({ lastPolledAt: now })
    .where(and(eq(deviceGrants.id, id), or(
      isNull(deviceGrants.lastPolledAt),
      sql`${deviceGrants.lastPolledAt} <= ${now.toISOString()}::timestamptz - make_interval(secs => ${deviceGrants.intervalSeconds} - ${toleranceSeconds})`,
    )))
    .returning({ id: deviceGrants.id });
  return rows.length === 1;
}

/** After a too-early poll: the interval grows by 5 s (capped); the last accepted poll time stays. */
export async function slowDownGrant(db: Queryable, id: string, maxIntervalSeconds: number): Promise<number> {
  const [row] = await db.update(deviceGrants)
    .set({ intervalSeconds: sql`least(${deviceGrants.intervalSeconds} + 5, ${maxIntervalSeconds})` })
    .where(eq(deviceGrants.id, id))
    .returning({ intervalSeconds: deviceGrants.intervalSeconds });
  return row?.intervalSeconds ?? maxIntervalSeconds;
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

export async function findCliSession(db: Queryable, id: string): Promise<CliSession | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.select().from(cliSessions).where(eq(cliSessions.id, id));
  return row ?? null;
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

export async function revokeAllCliSessionsForUser(db: Queryable, userId: string, reason: string, now: Date): Promise<CliSession[]> {
  const rows = await db.update(cliSessions).set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(cliSessions.userId, userId), isNull(cliSessions.revokedAt)))
    .returning();
  for (const r of rows) await deleteSessionTokens(db, r.id, now);
  return rows;
}

async function deleteSessionTokens(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.delete(oauthAccessTokens).where(eq(oauthAccessTokens.sessionId, sessionId));
  // Refresh tokens stay (marked rotated) so a later presentation is still recognised, not "unknown".
  await db.update(oauthRefreshTokens).set({ rotatedAt: sql`coalesce(${oauthRefreshTokens.rotatedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(oauthRefreshTokens.sessionId, sessionId));
}

export async function listCliSessionsForUser(db: Queryable, userId: string, opts: { includeRevoked?: boolean } = {}): Promise<CliSession[]> {
  return db.select().from(cliSessions)
    .where(and(eq(cliSessions.userId, userId), opts.includeRevoked ? undefined : isNull(cliSessions.revokedAt)))
    .orderBy(desc(cliSessions.createdAt));
}

/** Records use of a session, at most once a minute per session (keeps the guard to one write a minute). */
export async function touchCliSession(db: Queryable, id: string, ip: string | null, now: Date): Promise<void> {
  const floor = new Date(now.getTime() - 60_000);
  await db.update(cliSessions).set({ lastUsedAt: now, lastUsedIp: ip })
    .where(and(eq(cliSessions.id, id), or(isNull(cliSessions.lastUsedAt), lte(cliSessions.lastUsedAt, floor))));
}

// ---------------------------------------------------------------- users, tenants, audit

export async function getUserById(db: Queryable, id: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function getTenantById(db: Queryable, id: string): Promise<Tenant | null> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row ?? null;
}

/** The tenant a user's CLI reaches: their owned tenant first, else the oldest membership. */
export async function getPrimaryTenantForUser(db: Queryable, userId: string): Promise<Tenant | null> {
  const [row] = await db.select({ tenant: tenants }).from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`case when ${memberships.role} = 'owner' then 0 else 1 end`, asc(memberships.createdAt))
    .limit(1);
  return row?.tenant ?? null;
}

/** Whether the user is a member of the tenant (tokens carry the tenant chosen at approval). */
export async function isMember(db: Queryable, userId: string, tenantId: string): Promise<boolean> {
  const rows = await db.select({ t: memberships.tenantId }).from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId)));
  return rows.length > 0;
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
