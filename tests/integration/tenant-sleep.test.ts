// Idle tenants sleep and wake, with real tenant processes and real Postgres: a tenant idle past the
// supervisor's idleStopMs is stopped (status `sleeping`, process gone, address cleared, lease released,
// index kept); the next /proxy request wakes it and gets its answer; concurrent first requests start it
// once and all succeed; the index is caught up at the wake, not rebuilt; "needs attention" ignores sleep.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { loadFleet } from '../../lib/db/queries/ops-fleet.ts';
import { tenantLeases } from '../../lib/db/schema.ts';
import { needsAttention } from '../../lib/ops/needs-attention.ts';
import { wakeTenant } from '../../lib/tenants/proxy-deps.ts';
import { tenantCall } from '../../lib/tenants/tenant-call.ts';
import { handleTenantProxy, type TenantProxyCaller, type TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, pidAlive, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

const APP = 'http://localhost:5399';
const IDLE_MS = 1500;

describe('idle tenants sleep and wake on the next request (real tenants, postgres)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-sleep-');
  let sup: ReturnType<typeof makeSupervisor>;
  let T: string;
  let starts = 0;
  let d: TenantProxyDeps;
  const caller = (): TenantProxyCaller => ({ tenantId: T, via: 'bearer' });
  const call = (method: string, p: string, init: RequestInit = {}) =>
    handleTenantProxy(new Request(APP + p, { method, ...init, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit), caller(), d);

  async function asleep() {
    return waitFor('the tenant to sleep', async () => {
      const s = await tenantState(h.db, T);
      return s.tenant.status === 'sleeping' ? s : null;
    }, 30_000, 100);
  }

  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'sleepy');
    const driver = makeDriver(dirs);
    const start = driver.start.bind(driver);
    driver.start = (spec) => { starts++; return start(spec); };
    sup = makeSupervisor(h.db, driver, { holderId: 'sleep-test', settings: { idleStopMs: IDLE_MS } });
    d = {
      getRoute: (id) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: APP,
      subscribeUrl: 'https://example.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 10_000,
      wake: (id) => wakeTenant(h.db, id, 30_000),
    };
    sup.start();
    // Under load the first start may take longer than the idle setting: running or already asleep.
    await waitFor('running', async () => ['running', 'sleeping'].includes((await tenantState(h.db, T)).tenant.status), 90_000, 200);
  });
  after(async () => { await sup.stop(); await h.close(); dirs.cleanup(); });

  test('idle past the setting: sleeping, process gone, address cleared, lease released; a request wakes it', async (t) => {
    const put = await call('PUT', '/proxy/main/knowledge/entities/inbox/before-sleep', {
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Before Sleep', folder: 'inbox', content: 'written before the tenant slept\n' }),
    });
    assert.equal(put.status, 201, await put.clone().text());
    const pid = (await tenantState(h.db, T)).endpoint!.pid!;
    assert.ok(pidAlive(pid));

    const s = await asleep();
    assert.match(s.tenant.statusDetail ?? '', /idle for \d+ s/);
    await waitFor('the process to be gone', async () => !pidAlive(pid), 15_000);
    assert.equal(s.endpoint!.host, null);
    assert.equal(s.endpoint!.port, null);
    await waitFor('the lease released', async () => (await h.db.select().from(tenantLeases).where(eq(tenantLeases.tenantId, T))).length === 0, 10_000);
    assert.equal(sup.runningTenants().length, 0);

    // Sleep is not trouble, even with a collector that has never heard from the tenant (stale after 1 ms).
    const fleet = await loadFleet(h.db, new Date(), { syncIntervalSeconds: 30, crashWindowMs: 600_000, staleAfterMs: 1 });
    assert.deepEqual(needsAttention(fleet.facts, new Date(), { crashWindowMs: 600_000, staleAfterMs: 1 }).filter((a) => a.tenantId === T), []);

    const startsBefore = starts;
    const t0 = performance.now();
    const got = await call('GET', '/proxy/main/resource/inbox/before-sleep');
    t.diagnostic(`first request to the sleeping tenant answered in ${Math.round(performance.now() - t0)} ms (wake included; indicative only)`);
    assert.equal(got.status, 200, await got.clone().text());
    assert.match(await got.text(), /written before the tenant slept/);
    assert.equal(starts - startsBefore, 1);
    const woke = await tenantState(h.db, T);
    assert.equal(woke.tenant.status, 'running');
    assert.notEqual(woke.endpoint!.pid, pid);
    // The index on disk was kept: the start caught up (nothing new or changed), it did not rebuild.
    const rebuild = woke.endpoint!.lastRebuild as { mode?: string } | null;
    assert.equal(rebuild?.mode, 'catch_up', JSON.stringify(rebuild));
    t.diagnostic(`start after sleep: ${JSON.stringify(rebuild)}`);
  });

  test('concurrent first requests to a sleeping tenant start it once and all succeed', async () => {
    await asleep();
    await waitFor('the lease released', async () => (await h.db.select().from(tenantLeases).where(eq(tenantLeases.tenantId, T))).length === 0, 10_000);
    const startsBefore = starts;
    const N = 12;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
      call('GET', i % 2 ? '/proxy/projects/projects' : '/proxy/main/knowledge/entities/inbox/before-sleep')));
    const statuses = answers.map((r) => r.status);
    assert.deepEqual(statuses, Array(N).fill(200), JSON.stringify(statuses));
    assert.equal(starts - startsBefore, 1, 'one start for all the first requests');
    assert.equal((await tenantState(h.db, T)).tenant.status, 'running');
  });

  test('server-side calls (dashboard, /mcp: tenantCall) and WebDAV wake it too', async () => {
    await asleep();
    const r = await tenantCall(T, 'GET', '/projects/projects', { deps: d });
    assert.equal(r.status, 200, r.body.toString());
    assert.ok(JSON.parse(r.body.toString()).projects.some((p: { name: string }) => p.name === 'main'));

    await asleep();
    const dav = await call('PROPFIND', '/proxy/webdav/main/inbox/', { headers: { depth: '1' } });
    assert.equal(dav.status, 207, await dav.clone().text());
    assert.match(await dav.text(), /Before%20Sleep\.md/);
  });
});
