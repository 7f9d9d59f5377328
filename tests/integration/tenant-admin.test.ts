// Admin lifecycle API on a real, supervised tenant (real Postgres): role + Origin checks, audit
// events, stop/start/restart through Postgres, reindex = forced full sync of every project.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { auditEvents, memberships, syncRuns, users } from '../../lib/db/schema.ts';
import { adminTenantActionRoute } from '../../lib/tenants/admin-route.ts';
import { SyncCollector } from '../../lib/tenants/sync-collector.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

const APP = 'http://bmc.test';

describe('admin tenant actions (postgres, real tenant)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  let sup: ReturnType<typeof makeSupervisor>;
  let T: string;
  let admin: string;
  let plain: string;
  let sessionUser: string | null = null;
  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'admin-target');
    const [a] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'adm', email: 'adm@example.test', role: 'admin' }).returning();
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'usr', email: 'usr@example.test' }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: T, role: 'owner' });
    admin = a!.id;
    plain = u!.id;
    sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'admin-test' });
    sup.start();
    await waitFor('running', async () => (await tenantState(h.db, T)).tenant.status === 'running', 90_000);
  });
  after(async () => { await sup.stop(); await h.close(); dirs.cleanup(); });

  const route = (action: 'start' | 'stop' | 'restart' | 'reindex') => adminTenantActionRoute(action, {
    authSecret: AUTH_SECRET, deps: { db: h.db, getSessionUserId: async () => sessionUser },
  });
  const post = (action: 'start' | 'stop' | 'restart' | 'reindex', id: string, headers: Record<string, string> = { origin: APP }) =>
    route(action)(new Request(`${APP}/api/admin/tenants/${id}/${action}`, { method: 'POST', headers: { 'user-agent': 'admin-test', ...headers } }), { params: Promise.resolve({ id }) });

  test('only admins (others 404, signed-out 401), only same-origin; every action audited; stop/start/restart/reindex take effect', async () => {
    sessionUser = null;
    assert.equal((await post('stop', T)).status, 401);
    sessionUser = plain;
    assert.equal((await post('stop', T)).status, 404, 'a tenant owner is not an admin');
    sessionUser = admin;
    assert.equal((await post('stop', T, {})).status, 403, 'no Origin');
    assert.equal((await post('stop', T, { origin: 'https://evil.test' })).status, 403, 'foreign Origin');
    assert.equal((await post('stop', '00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await h.db.select().from(auditEvents).where(eq(auditEvents.tenantId, T))).length, 0, 'refused calls leave no audit event');

    // Reindex: a forced full sync of every project, recorded as runs with scan type full_forced.
    const collector = new SyncCollector({ db: h.db, authSecret: AUTH_SECRET, intervalMs: 500, concurrency: 1 });
    const rx = await post('reindex', T);
    assert.equal(rx.status, 202);
    const body = await rx.json();
    assert.deepEqual(body.projects.map((p: { name: string; status: number }) => [p.name, p.status]), [['main', 200]]);
    await waitFor('forced run collected', async () => {
      await collector.collectRound({ stagger: false });
      const rs = await h.db.select().from(syncRuns).where(and(eq(syncRuns.tenantId, T), eq(syncRuns.scanType, 'full_forced')));
      return rs.length > 0;
    }, 15_000, 200);

    const before = await tenantState(h.db, T);
    assert.equal((await post('restart', T)).status, 202);
    const restarted = await waitFor('restarted', async () => {
      const s = await tenantState(h.db, T);
      return s.tenant.status === 'running' && s.endpoint?.pid && s.endpoint.pid !== before.endpoint!.pid ? s : null;
    });
    assert.equal((await post('stop', T)).status, 202);
    await waitFor('stopped', async () => (await tenantState(h.db, T)).tenant.status === 'stopped');
    assert.equal((await post('reindex', T)).status, 409, 'reindex needs a running tenant');
    assert.equal((await post('start', T)).status, 202);
    await waitFor('running', async () => {
      const s = await tenantState(h.db, T);
      return s.tenant.status === 'running' && s.endpoint?.pid !== restarted.endpoint!.pid;
    });

    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.tenantId, T)).orderBy(auditEvents.id);
    assert.deepEqual(audit.map((a) => a.action), ['tenant.reindex', 'tenant.restart', 'tenant.stop', 'tenant.start']);
    assert.ok(audit.every((a) => a.actorUserId === admin && a.userAgent === 'admin-test' && a.target === `tenant:${T}`));
  });
});
