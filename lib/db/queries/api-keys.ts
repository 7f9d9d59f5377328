// Account API keys (`bmc_…`): every query takes the db first and is scoped to the owning user. Secrets never reach
// this module: only their SHA-256.
import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { apiKeys, auditEvents, memberships, tenants, users, type ApiKey, type Tenant, type User } from '../schema.ts';
import { CLI_SESSION_REVOKED_CHANNEL } from './oauth.ts';

const API_KEYS_PER_USER = 50;

export interface NewApiKey { userId: string; tenantId: string; name: string; scope: ApiKey['scope']; prefix: string; secretHash: string }

type RequestCtx = { ip: string | null; userAgent: string | null };

/** Inserts one (and its audit event); null when the user already has the maximum number of live keys. */
export async function insertApiKey(db: Database, k: NewApiKey, ctx: RequestCtx): Promise<ApiKey | null> {
  return db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(apiKeys)
      .where(and(eq(apiKeys.userId, k.userId), isNull(apiKeys.revokedAt)));
    if (n >= API_KEYS_PER_USER) return null;
    const [row] = await tx.insert(apiKeys).values(k).returning();
    await tx.insert(auditEvents).values({
      action: 'api_key.create', actorUserId: k.userId, tenantId: k.tenantId, target: `api_key:${row!.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 512) ?? null, metadata: { name: k.name, scope: k.scope },
    });
    return row!;
  });
}

/** The user's live keys, newest first. */
export async function listApiKeysForUser(db: Database, userId: string): Promise<ApiKey[]> {
  return db.select().from(apiKeys).where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
}

/**
 * Revokes one of the user's keys (false if not theirs or already revoked). The NOTIFY in the same transaction empties
 * every instance's credential cache, so the next request with the key fails.
 */
export async function revokeApiKey(db: Database, userId: string, id: string, ctx: RequestCtx): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).returning();
    if (!row) return false;
    await tx.insert(auditEvents).values({
      action: 'api_key.revoke', actorUserId: userId, tenantId: row.tenantId, target: `api_key:${row.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 512) ?? null, metadata: { name: row.name },
    });
    await tx.execute(sql`select pg_notify(${CLI_SESSION_REVOKED_CHANNEL}, ${'api_key:' + row.id})`);
    return true;
  });
}

export interface ApiKeyAuthRow { key: ApiKey; user: User; tenant: Tenant | null }

/** The live key with this secret hash, its user and its workspace (null tenant when the user left it). */
export async function findApiKeyBySecretHash(db: Database, secretHash: string): Promise<ApiKeyAuthRow | null> {
  const [row] = await db.select({ key: apiKeys, user: users, tenant: tenants })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(memberships, and(eq(memberships.userId, apiKeys.userId), eq(memberships.tenantId, apiKeys.tenantId)))
    .leftJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

/** Last used time and address, written at most once a minute. */
export async function touchApiKey(db: Database, id: string, ip: string | null, now: Date): Promise<void> {
  const floor = new Date(now.getTime() - 60_000);
  await db.update(apiKeys).set({ lastUsedAt: now, lastUsedIp: ip })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, floor))));
}
