// The sync-run collector against a real, supervised tenant API and real Postgres.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { syncRuns, tenantSyncCursors } from '../../lib/db/schema.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { tenantSignatureHeaders } from '../../lib/tenants/tenant-credential.ts';
import { SyncCollector } from '../../lib/tenants/sync-collector.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

async function signed(baseUrl: string, tenantId: string, method: string, pathAndQuery: string, body?: unknown) {
  const res = await fetch(baseUrl + pathAndQuery, {
    method,
    headers: { ...tenantSignatureHeaders(AUTH_SECRET, tenantId, method, pathAndQuery), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${pathAndQuery} → ${res.status} ${await res.clone().text()}`);
  return res.json();
}

describe('sync-run collector (postgres, real tenant)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  let sup: ReturnType<typeof makeSupervisor>;
  let driver: ReturnType<typeof makeDriver>;
  let T: string;
  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'collect');
    driver = makeDriver(dirs);
    sup = makeSupervisor(h.db, driver, { holderId: 'collector-test' });
    sup.start();
    await waitFor('running', async () => (await tenantState(h.db, T)).tenant.status === 'running', 90_000);
  });
  after(async () => { await sup.stop(); await h.close(); dirs.cleanup(); });

  test('collects runs with their scan types idempotently; a wiped index (new instance) adds no duplicates; the loop lands runs within the interval', async () => {
    const base = (await getTenantRoute(h.db, T))!.baseUrl!;
    await signed(base, T, 'POST', '/projects/projects', { name: 'research', path: 'research', set_default: true });
    await signed(base, T, 'POST', '/research/knowledge/entities', { title: 'First', folder: '', content: '# First\n\n- [fact] collected #x\n' });
    await signed(base, T, 'POST', '/research/project/sync?force_full=true&run_in_background=false');

    const collector = new SyncCollector({ db: h.db, authSecret: AUTH_SECRET, intervalMs: 500, concurrency: 2, pageSize: 2 });
    const [r1] = await collector.collectRound({ stagger: false });
    assert.equal(r1!.error, undefined);
    assert.ok(r1!.inserted >= 2, `inserted ${r1!.inserted}`);
    const rows = await h.db.select().from(syncRuns).where(eq(syncRuns.tenantId, T));
    assert.ok(rows.some((r) => r.kind === 'rebuild' && r.trigger === 'startup'), 'start-up rebuild recorded');
    const forced = rows.find((r) => r.kind === 'sync' && r.project === 'research' && r.scanType === 'full_forced');
    assert.ok(forced, `scan types: ${rows.map((r) => r.scanType)}`);
    assert.equal(forced!.status, 'ok');
    assert.ok(forced!.filesScanned >= 1);
    const [cur] = await h.db.select().from(tenantSyncCursors).where(eq(tenantSyncCursors.tenantId, T));
    assert.ok(cur!.cursor?.startsWith(cur!.instanceId + '.'));

    // Again: nothing new, nothing duplicated.
    const [r2] = await collector.collectRound({ stagger: false });
    assert.equal(r2!.inserted, 0);
    assert.equal((await h.db.select().from(syncRuns).where(eq(syncRuns.tenantId, T))).length, rows.length);

    // Wipe the index and restart: a new instance id, the feed starts over, only the new rebuild is added.
    const oldInstance = cur!.instanceId;
    const oldPid = (await tenantState(h.db, T)).endpoint!.pid!;
    process.kill(oldPid, 'SIGTERM');
    await waitFor('exited', async () => { try { process.kill(oldPid, 0); return false; } catch { return true; } });
    await driver.wipeIndex(T);
    await waitFor('running again', async () => {
      const s = await tenantState(h.db, T);
      return s.tenant.status === 'running' && s.endpoint?.pid && s.endpoint.pid !== oldPid;
    });
    const [r3] = await collector.collectRound({ stagger: false });
    assert.equal(r3!.error, undefined);
    const after = await h.db.select().from(syncRuns).where(eq(syncRuns.tenantId, T));
    const [cur2] = await h.db.select().from(tenantSyncCursors).where(eq(tenantSyncCursors.tenantId, T));
    assert.notEqual(cur2!.instanceId, oldInstance);
    assert.equal(new Set(after.map((r) => r.runId)).size, after.length);
    assert.equal(after.filter((r) => r.kind === 'rebuild').length, rows.filter((r) => r.kind === 'rebuild').length + 1, 'exactly the new rebuild was added');
    assert.ok(after.every((r) => r.kind !== 'rebuild' || r.instanceId), 'instance recorded');

    // The running loop: a new sync lands in Postgres within the interval (+ request time).
    collector.start();
    try {
      const t0 = Date.now();
      await signed(base.replace(/:\d+$/, ':' + (await tenantState(h.db, T)).endpoint!.port), T, 'POST', '/research/project/sync?run_in_background=false');
      await waitFor('incremental run collected', async () => {
        const rs = await h.db.select().from(syncRuns).where(eq(syncRuns.tenantId, T));
        return rs.some((r) => r.kind === 'sync' && r.trigger === 'api' && r.startedAt.getTime() >= t0 - 1000);
      }, 10_000);
      assert.ok(Date.now() - t0 < 10_000);
    } finally {
      await collector.stop();
    }
  });
});
