// Sign-in account creation against real Postgres and PGlite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { DB_KINDS, freshDatabase } from '../helpers/test-db.ts';
import { ensureAccountForSignIn } from '../../lib/db/queries/accounts.ts';
import { getTenantByIdForUser, getTenantForUser, listTenantsWithOwners } from '../../lib/db/queries/tenants.ts';
import { loadSessionUser } from '../../lib/auth/users.ts';
import { auditEvents, memberships, tenants, users } from '../../lib/db/schema.ts';

const ISS = 'https://idp.example';
const base = (subject: string, over: Partial<Parameters<typeof ensureAccountForSignIn>[1]> = {}) => ({
  issuer: ISS, subject, email: `${subject}@example.com`, emailVerified: true, name: null, ip: '203.0.113.7', userAgent: 'test-agent', ...over,
});

for (const kind of DB_KINDS) {
  describe(`accounts on ${kind}`, () => {
    test('first sign-in creates user + provisioning tenant + owner membership + audit events; later ones update', async () => {
      const h = await freshDatabase(kind);
      try {
        const first = await ensureAccountForSignIn(h.db, base('alice', { email: 'Alice@Example.com', name: 'Alice' }));
        assert.equal(first.createdUser, true);
        assert.equal(first.createdTenant, true);
        assert.equal(first.user.email, 'alice@example.com');
        assert.equal(first.user.role, 'user');
        assert.equal(first.tenant.status, 'provisioning');
        assert.equal(first.tenant.desiredState, 'running');
        assert.equal(first.tenant.bucketName, `bmc-${first.tenant.id}`);
        const [m] = await h.db.select().from(memberships).where(eq(memberships.userId, first.user.id));
        assert.deepEqual([m!.tenantId, m!.role], [first.tenant.id, 'owner']);
        const actions = (await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, first.user.id))).map((e) => e.action).sort();
        assert.deepEqual(actions, ['account.created', 'auth.signed_in', 'tenant.created']);
        const created = (await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'tenant.created')))[0]!;
        assert.equal(created.ip, '203.0.113.7');
        assert.equal(created.userAgent, 'test-agent');

        const again = await ensureAccountForSignIn(h.db, base('alice', { email: 'alice.new@example.com', name: 'Alice N' }));
        assert.equal(again.createdUser, false);
        assert.equal(again.createdTenant, false);
        assert.equal(again.user.id, first.user.id);
        assert.equal(again.tenant.id, first.tenant.id);
        assert.equal(again.user.email, 'alice.new@example.com');
        assert.equal(again.user.name, 'Alice N');
        assert.ok(again.user.lastSignInAt! >= first.user.lastSignInAt!);
        const [{ n }] = (await h.db.select({ n: sql<number>`count(*)::int` }).from(tenants)) as [{ n: number }];
        assert.equal(n, 1);
        // Same subject at another issuer is another person.
        const other = await ensureAccountForSignIn(h.db, base('alice', { issuer: 'https://other-idp.example' }));
        assert.notEqual(other.user.id, first.user.id);
      } finally {
        await h.close();
      }
    });

    test('OPS_EMAILS grants ops only with a verified email, and follows the list at each sign-in', async () => {
      const h = await freshDatabase(kind);
      try {
        const opsEmails = ['ops@example.com'];
        const unverified = await ensureAccountForSignIn(h.db, base('ops', { emailVerified: false, opsEmails }));
        assert.equal(unverified.user.role, 'user');
        const verified = await ensureAccountForSignIn(h.db, base('ops', { opsEmails }));
        assert.equal(verified.user.role, 'ops');
        assert.equal((await loadSessionUser(h.db, verified.user.id))!.role, 'ops');
        const changes = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.role_changed'));
        assert.equal(changes.length, 1);
        const dropped = await ensureAccountForSignIn(h.db, base('ops', { emailVerified: false, opsEmails }));
        assert.equal(dropped.user.role, 'user');
        // admin is set by hand and kept.
        await h.db.update(users).set({ role: 'admin' }).where(eq(users.id, dropped.user.id));
        assert.equal((await ensureAccountForSignIn(h.db, base('ops', { emailVerified: false, opsEmails }))).user.role, 'admin');
      } finally {
        await h.close();
      }
    });

    test("tenant lookups go through membership: another user's tenant id is null (404)", async () => {
      const h = await freshDatabase(kind);
      try {
        const a = await ensureAccountForSignIn(h.db, base('a'));
        const b = await ensureAccountForSignIn(h.db, base('b'));
        assert.equal((await getTenantForUser(h.db, a.user.id))!.id, a.tenant.id);
        assert.equal((await getTenantByIdForUser(h.db, a.tenant.id, a.user.id))!.membershipRole, 'owner');
        assert.equal(await getTenantByIdForUser(h.db, a.tenant.id, b.user.id), null);
        assert.equal(await getTenantByIdForUser(h.db, 'not-a-uuid', a.user.id), null);
        assert.equal(await getTenantByIdForUser(h.db, '00000000-0000-4000-8000-000000000000', a.user.id), null);
        const all = await listTenantsWithOwners(h.db);
        assert.deepEqual(all.map((t) => t.ownerEmail).sort(), ['a@example.com', 'b@example.com']);
        assert.equal(await loadSessionUser(h.db, '00000000-0000-4000-8000-000000000000'), null);
      } finally {
        await h.close();
      }
    });

    test('concurrent first sign-ins of one person create exactly one user and one tenant', async () => {
      const h = await freshDatabase(kind);
      try {
        const results = await Promise.all(Array.from({ length: 6 }, () => ensureAccountForSignIn(h.db, base('racer'))));
        assert.equal(new Set(results.map((r) => r.user.id)).size, 1);
        assert.equal(new Set(results.map((r) => r.tenant.id)).size, 1);
        assert.equal(results.filter((r) => r.createdTenant).length, 1);
        const [{ n }] = (await h.db.select({ n: sql<number>`count(*)::int` }).from(tenants)) as [{ n: number }];
        assert.equal(n, 1);
      } finally {
        await h.close();
      }
    });

    test('one transaction: when the tenant cannot be created, no user row is left behind', async () => {
      const h = await freshDatabase(kind);
      try {
        await h.db.execute(sql`alter table memberships rename to memberships_away`);
        await assert.rejects(ensureAccountForSignIn(h.db, base('doomed')));
        await h.db.execute(sql`alter table memberships_away rename to memberships`);
        assert.equal((await h.db.select().from(users)).length, 0);
        assert.equal((await h.db.select().from(tenants)).length, 0);
        assert.equal((await h.db.select().from(auditEvents)).length, 0);
      } finally {
        await h.close();
      }
    });
  });
}
