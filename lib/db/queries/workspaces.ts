// Workspaces are tenants seen through a person's memberships (role per person per workspace). Every query takes the
// db first and is scoped to the user: a workspace someone is not a member of is never returned.
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { memberships, tenants, type Membership, type Tenant } from '../schema.ts';

export interface WorkspaceRow { tenant: Tenant; role: Membership['role']; joinedAt: Date }

/** The user's workspaces, oldest membership first (the first is their default: the personal one made at sign-up). */
export async function listWorkspacesForUser(db: Database, userId: string): Promise<WorkspaceRow[]> {
  const rows = await db.select({ tenant: tenants, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships).innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId)).orderBy(asc(memberships.createdAt), asc(tenants.id));
  return rows;
}

/** One workspace of the user, or null when they are not a member of it (or it does not exist). */
export async function findWorkspaceForUser(db: Database, userId: string, tenantId: string): Promise<WorkspaceRow | null> {
  const [row] = await db.select({ tenant: tenants, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships).innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId)));
  return row ?? null;
}
