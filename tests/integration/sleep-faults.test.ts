// Faults around sleep and wake, with real tenant processes on real files and real Postgres. Each case ends
// with one running tenant, an accurate status and no lost request:
// - files changed on disk while the tenant sleeps are in its index after the next wake (catch-up scan);
// - a tenant killed (SIGKILL) while waking: the request waiting for the wake rides out the restart;
// - a wake that outlasts the wait: 503 tenant_unavailable + Retry-After, the start goes on, the retry succeeds;
// - the app restarted while the tenant sleeps: it stays asleep (nothing started), the next request wakes it;
// - two supervising instances and first requests through both: one start, every request answered;
// - the app restarted while the tenant runs: a request between the shutdown and the reboot waits for the reboot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { tenantLeases } from '../../lib/db/schema.ts';
import type { LocalTenantDriver } from '../../lib/tenants/local-driver.ts';
import { wakeTenant } from '../../lib/tenants/proxy-deps.ts';
import { handleTenantProxy, type TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, pidAlive, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

const APP = 'http://localhost:5398';
const IDLE_MS = 1500;

describe('sleep and wake under faults (real tenants, postgres)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-sleep-faults-');
  let T: string;
  let starts = 0;
  /** Applied to the next start only: runs before (delay) or right after (kill) the real start. */
  let nextStart: { delayMs?: number; kill?: boolean } = {};
  const supervisors: ReturnType<typeof makeSupervisor>[] = [];

  function driver(): LocalTenantDriver {
    const d = makeDriver(dirs);
    const start = d.start.bind(d);
    d.start = async (spec) => {
      starts++;
      const fault = nextStart;
      nextStart = {};
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      const handle = await start(spec);
      if (fault.kill) process.kill(handle.pid!, 'SIGKILL');
      return handle;
    };
    return d;
  }
  function supervisor(holderId: string) {
    const s = makeSupervisor(h.db, driver(), { holderId, settings: { idleStopMs: IDLE_MS } });
    supervisors.push(s);
    s.start();
    return s;
  }
  const deps = (wakeTimeoutMs = 30_000): TenantProxyDeps => ({
    getRoute: (id) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: APP,
    subscribeUrl: 'https://example.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 10_000,
    wake: (id) => wakeTenant(h.db, id, wakeTimeoutMs),
  });
  const call = (method: string, p: string, d = deps(), init: RequestInit = {}) =>
    handleTenantProxy(new Request(APP + p, { method, ...init, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit), { tenantId: T, via: 'bearer' }, d);
  const asleep = () => waitFor('the tenant to sleep', async () => {
    const s = await tenantState(h.db, T);
    return s.tenant.status === 'sleeping' && (await h.db.select().from(tenantLeases).where(eq(tenantLeases.tenantId, T))).length === 0 ? s : null;
  }, 30_000, 100);
  const running = () => waitFor('the tenant to run', async () => {
    const s = await tenantState(h.db, T);
    return s.tenant.status === 'running' ? s : null;
  }, 30_000, 100);

  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'faults');
    supervisor('faults-a');
    await waitFor('running', async () => ['running', 'sleeping'].includes((await tenantState(h.db, T)).tenant.status), 90_000, 200);
    const put = await call('PUT', '/proxy/main/knowledge/entities/inbox/first', deps(), {
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'First', folder: 'inbox', content: 'the first note\n' }),
    });
    assert.equal(put.status, 201, await put.clone().text());
  });
  after(async () => {
    for (const s of supervisors) await s.stop();
    await h.close();
    dirs.cleanup();
  });

  test('files changed on disk while asleep are in the index after the next wake', async () => {
    await asleep();
    const dataDir = path.join(dirs.dataRoot, T, 'data');
    const first = fs.readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('First.md'));
    assert.ok(first, 'the note is on disk');
    fs.writeFileSync(path.join(dataDir, path.dirname(first), 'Disk Edit.md'), '---\ntitle: Disk Edit\n---\n\nwritten by an admin while the tenant slept\n');
    const got = await call('GET', '/proxy/main/knowledge/entities/inbox/disk-edit');
    assert.equal(got.status, 200, await got.clone().text());
    assert.match(await got.text(), /Disk Edit/);
    const woke = await tenantState(h.db, T);
    assert.equal(woke.tenant.status, 'running');
    assert.equal((woke.endpoint!.lastRebuild as { mode?: string } | null)?.mode, 'catch_up');
  });

  test('a tenant killed while waking: the waiting request gets its answer after the restart', async () => {
    await asleep();
    const before = starts;
    nextStart = { kill: true };
    const got = await call('GET', '/proxy/main/knowledge/entities/inbox/first');
    assert.equal(got.status, 200, await got.clone().text());
    assert.equal(starts - before, 2, 'the killed start and its restart');
    const s = await running();
    assert.ok(pidAlive(s.endpoint!.pid!));
    assert.equal(s.endpoint!.crashCount, 1);
  });

  test('a wake that outlasts the wait: 503 with Retry-After, then the tenant runs and the retry succeeds', async () => {
    await asleep();
    nextStart = { delayMs: 2500 };
    const got = await call('GET', '/proxy/main/knowledge/entities/inbox/first', deps(800));
    assert.equal(got.status, 503, await got.clone().text());
    assert.ok(Number(got.headers.get('retry-after')) > 0);
    const body = await got.json() as { detail: { error: string } };
    assert.equal(body.detail.error, 'tenant_unavailable');
    await running();
    const retry = await call('GET', '/proxy/main/knowledge/entities/inbox/first');
    assert.equal(retry.status, 200);
  });

  test('the app restarted while the tenant sleeps: it stays asleep until a request wakes it', async () => {
    await asleep();
    await supervisors[0]!.stop();
    const before = starts;
    const b = supervisor('faults-b');
    await new Promise((r) => setTimeout(r, 1500)); // several ticks of the new instance
    const s = await tenantState(h.db, T);
    assert.equal(s.tenant.status, 'sleeping', s.tenant.statusDetail ?? '');
    assert.equal(starts, before, 'nothing started for a sleeping tenant');
    assert.equal(b.runningTenants().length, 0);
    const got = await call('GET', '/proxy/main/knowledge/entities/inbox/first');
    assert.equal(got.status, 200);
    assert.equal((await running()).endpoint!.instanceId, 'faults-b');
  });

  test('two instances, first requests through both: one start, every request answered, one running tenant', async () => {
    supervisor('faults-c');
    await asleep();
    const before = starts;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => call('GET', i % 2 ? '/proxy/projects/projects' : '/proxy/main/knowledge/entities/inbox/first')));
    assert.deepEqual(answers.map((r) => r.status), Array(10).fill(200));
    assert.equal(starts - before, 1, 'one start across both instances');
    const s = await running();
    const holders = supervisors.slice(1).map((x) => x.runningTenants().length);
    assert.equal(holders.reduce((a, b) => a + b, 0), 1, `running on exactly one instance: ${holders}`);
    assert.ok(['faults-b', 'faults-c'].includes(s.endpoint!.instanceId!));
  });

  test('the app restarted while the tenant runs: a request sent before the new instance is up waits for its reboot', async () => {
    const warm = await call('GET', '/proxy/main/knowledge/entities/inbox/first');
    assert.equal(warm.status, 200);
    for (const x of supervisors) await x.stop();
    const down = await tenantState(h.db, T);
    assert.equal(down.tenant.status, 'starting', 'a running tenant is left to the next instance');
    const before = starts;
    nextStart = { delayMs: 800 }; // a boot that takes a while
    const answer = call('GET', '/proxy/main/knowledge/entities/inbox/first');
    await new Promise((r) => setTimeout(r, 500)); // the restart gap: no instance supervises it
    supervisor('faults-d');
    const got = await answer;
    assert.equal(got.status, 200, await got.clone().text());
    assert.equal(starts - before, 1, 'one reboot');
    assert.equal((await running()).endpoint!.instanceId, 'faults-d');
  });
});
