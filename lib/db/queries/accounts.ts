// Accounts: the sign-in upsert. First sign-in creates the user, a personal tenant (status
// `provisioning`), an owner membership and audit events in ONE transaction; later sign-ins refresh
// email/name/lastSignInAt and the ops role.
import { randomUUID } from 'node:crypto';
import { and, eq, } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditEvents, memberships, tenants, users, type Tenant, type User } from '../schema.ts';
import { getTenantForUser } from './tenants.ts';

export interface SignInInput {
  issuer: string;
  subject: string;
  email: string | null;
  /** Only `true` counts as verified (the provider's `email_verified` claim). */
  emailVerified: boolean;
  name: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Lower-cased OPS_EMAILS. */
  opsEmails?: readonly string[];
}

export interface SignInResult {
  user: User;
  tenant: Tenant;
  /** True when this sign-in created the user (and so the tenant). */
  createdUser: boolean;
  /** True when a tenant was created by this sign-in (notify the provisioner). */
  createdTenant: boolean;
}

/**
 * The role a user gets at sign-in. `admin` is only ever set by hand and is kept. Otherwise the
 * role follows OPS_EMAILS on every sign-in: `ops` exactly when the email is listed AND the provider
 * verified it; an unverified or unlisted email is a plain `user` (so removing someone from
 * OPS_EMAILS takes effect at their next sign-in).
 */
export function roleForSignIn(current: User['role'] | null, email: string | null, emailVerified: boolean, opsEmails: readonly string[]): User['role'] {
  if (current === 'admin') return 'admin';
  if (email && emailVerified === true && opsEmails.includes(email.toLowerCase())) return 'ops';
  return 'user';
}

export function tenantNameFor(email: string | null, name: string | null): string {
  const who = name?.trim() || email?.split('@')[0] || 'Personal';
  return `${who.slice(0, 60)}'s memory`;
}

export async function ensureAccountForSignIn(db: Database, input: SignInInput): Promise<SignInResult> {
  const email = input.email ? input.email.trim().toLowerCase() : null;
  const name = input.name?.trim() || null;
  const emailVerified = input.emailVerified === true;
  const opsEmails = input.opsEmails ?? [];
  const now = new Date();
  const from = { ip: input.ip ?? null, userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null };

  return db.transaction(async (txn) => {
    const tx = txn as unknown as Database;
    const [inserted] = await tx.insert(users).values({
      issuer: input.issuer,
      subject: input.subject,
      email,
      emailVerified,
      name,
      role: roleForSignIn(null, email, emailVerified, opsEmails),
      lastSignInAt: now,
    }).onConflictDoNothing({ target: [users.issuer, users.subject] }).returning();

    let user: User;
    let createdUser = false;
    if (inserted) {
      user = inserted;
      createdUser = true;
      await tx.insert(auditEvents).values({
        actorUserId: user.id, action: 'account.created', target: `user:${user.id}`, ...from,
        metadata: { issuer: input.issuer, email, emailVerified, role: user.role },
      });
    } else {
      const [existing] = await tx.select().from(users)
        .where(and(eq(users.issuer, input.issuer), eq(users.subject, input.subject))).for('update').limit(1);
      const role = roleForSignIn(existing.role, email, emailVerified, opsEmails);
      [user] = await tx.update(users)
        .set({ email, emailVerified, name, role, lastSignInAt: now, updatedAt: now })
        .where(eq(users.id, existing.id)).returning();
      if (role !== existing.role) {
        await tx.insert(auditEvents).values({
          actorUserId: user.id, action: 'user.role_changed', target: `user:${user.id}`, ...from,
          metadata: { from: existing.role, to: role, reason: 'OPS_EMAILS at sign-in' },
        });
      }
    }

    let createdTenant = false;
    let tenant: Tenant | null = createdUser ? null : await getTenantForUser(tx, user.id);
    if (!tenant) {
      const id = randomUUID();
      [tenant] = await tx.insert(tenants).values({
        id,
        name: tenantNameFor(email, name),
        status: 'provisioning',
        statusChangedAt: now,
        desiredState: 'running',
        bucketName: `bmc-${id}`,
      }).returning();
      await tx.insert(memberships).values({ userId: user.id, tenantId: tenant.id, role: 'owner' });
      await tx.insert(auditEvents).values({
        actorUserId: user.id, tenantId: tenant.id, action: 'tenant.created', target: `tenant:${tenant.id}`, ...from,
        metadata: { status: 'provisioning' },
      });
      createdTenant = true;
    }

    await tx.insert(auditEvents).values({
      actorUserId: user.id, tenantId: tenant.id, action: 'auth.signed_in', target: `user:${user.id}`, ...from,
      metadata: { issuer: input.issuer, emailVerified },
    });

    return { user, tenant, createdUser, createdTenant };
  });
}
