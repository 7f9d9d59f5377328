// App passwords: named HTTP Basic credentials for file tools on /proxy/webdav/*. Every query takes the db first
// and is scoped to the owning user. Secrets never reach this module: only their SHA-256.
import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { appPasswords, auditEvents, memberships, tenants, users, type AppPassword, type Tenant, type User } from '../schema.ts';
import { CLI_SESSION_REVOKED_CHANNEL } from './oauth.ts';

const APP_PASSWORDS_PER_USER = 50;

export interface NewAppPassword { userId: string; tenantId: string; name: string; accessKey: string; secretHash: string }

/** Inserts one (and its audit event); null when the user already has the maximum number of live ones. */
export async function insertAppPassword(db: Database, p: NewAppPassword, ctx: { ip: string | null; userAgent: string | null }): Promise<AppPassword | null> {
  return db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(appPasswords)
      .where(and(eq(appPasswords.userId, p.userId), isNull(appPasswords.revokedAt)));
    if (n >= APP_PASSWORDS_PER_USER) return null;
    const [row] = await tx.insert(appPasswords).values(p).returning();
    await tx.insert(auditEvents).values({
      action: 'app_password.create', actorUserId: p.userId, tenantId: p.tenantId, target: `app_password:${row!.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 512) ?? null, metadata: { name: p.name },
    });
    return row!;
  });
}

/** The user's live app passwords, newest first. */
export async function listAppPasswordsForUser(db: Database, userId: string): Promise<AppPassword[]> {
  return db.select().from(appPasswords).where(and(eq(appPasswords.userId, userId), isNull(appPasswords.revokedAt)))
    .orderBy(desc(appPasswords.createdAt));
}

/**
 * Revokes one of the user's app passwords (false if it is not theirs or already revoked). The NOTIFY in the same
 * transaction empties every instance's credential cache, so the next request with it fails.
 */
export async function revokeAppPassword(db: Database, userId: string, id: string, ctx: { ip: string | null; userAgent: string | null }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(appPasswords).set({ revokedAt: new Date() })
      .where(and(eq(appPasswords.id, id), eq(appPasswords.userId, userId), isNull(appPasswords.revokedAt))).returning();
    if (!row) return false;
    await tx.insert(auditEvents).values({
      action: 'app_password.revoke', actorUserId: userId, tenantId: row.tenantId, target: `app_password:${row.id}`,
      ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 512) ?? null, metadata: { name: row.name },
    });
    await tx.execute(sql`select pg_notify(${CLI_SESSION_REVOKED_CHANNEL}, ${'app_password:' + row.id})`);
    return true;
  });
}

export interface AppPasswordAuthRow { password: AppPassword; user: User; tenant: Tenant | null }

/** The live app password with this secret hash, its user and (if still a member) its tenant. */
export async function findAppPasswordBySecretHash(db: Database, secretHash: string): Promise<AppPasswordAuthRow | null> {
  const [row] = await db.select({ password: appPasswords, user: users, tenant: tenants })
    .from(appPasswords)
    .innerJoin(users, eq(users.id, appPasswords.userId))
    .leftJoin(memberships, and(eq(memberships.userId, appPasswords.userId), eq(memberships.tenantId, appPasswords.tenantId)))
    .leftJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(appPasswords.secretHash, secretHash), isNull(appPasswords.revokedAt)));
  return row ?? null;
}

/** Last used time and address, written at most once a minute. */
export async function touchAppPassword(db: Database, id: string, ip: string | null, now: Date): Promise<void> {
  const floor = new Date(now.getTime() - 60_000);
  await db.update(appPasswords).set({ lastUsedAt: now, lastUsedIp: ip })
    .where(and(eq(appPasswords.id, id), or(isNull(appPasswords.lastUsedAt), lte(appPasswords.lastUsedAt, floor))));
}
