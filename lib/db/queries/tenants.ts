// Tenants are always reached through the caller's membership: every lookup takes the user id.
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { memberships, tenants, users, type Membership, type Tenant } from '../schema.ts';

export interface TenantWithRole extends Tenant { membershipRole: Membership['role'] }

/** The user's personal tenant (their oldest membership), or null. */
export async function getTenantForUser(db: Database, userId: string): Promise<TenantWithRole | null> {
  const [row] = await db.select({ tenant: tenants, role: memberships.role })
    .from(memberships).innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt)).limit(1);
  return row ? { ...row.tenant, membershipRole: row.role } : null;
}

/** The tenant with this id if the user is a member of it; null otherwise (callers answer 404). */
export async function getTenantByIdForUser(db: Database, tenantId: string, userId: string): Promise<TenantWithRole | null> {
  if (!isUuid(tenantId)) return null;
  const [row] = await db.select({ tenant: tenants, role: memberships.role })
    .from(memberships).innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId)))
    .limit(1);
  return row ? { ...row.tenant, membershipRole: row.role } : null;
}

/** Ops view: every tenant with its owner's email, newest first. */
export async function listTenantsWithOwners(db: Database, limit = 200): Promise<Array<Tenant & { ownerEmail: string | null }>> {
  const rows = await db.select({ tenant: tenants, ownerEmail: users.email })
    .from(tenants)
    .leftJoin(memberships, and(eq(memberships.tenantId, tenants.id), eq(memberships.role, 'owner')))
    .leftJoin(users, eq(users.id, memberships.userId))
    .orderBy(desc(tenants.createdAt)).limit(limit);
  return rows.map((r) => ({ ...r.tenant, ownerEmail: r.ownerEmail }));
}

export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
