// A supervisor boots at most maxConcurrentStarts tenant processes at once (a restarted instance must not boot its
// whole fleet at once: on a small machine every boot then outlasts its start timeout), real tenants, real Postgres.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

describe('tenant start concurrency (real tenants, postgres)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-start-conc-');
  let sup: ReturnType<typeof makeSupervisor>;
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await sup?.stop(); await h.close(); dirs.cleanup(); });

  test('three tenants, one boot at a time: never two booting, all three run', async () => {
    const ids = [await createTenantRow(h.db, 'c1'), await createTenantRow(h.db, 'c2'), await createTenantRow(h.db, 'c3')];
    const driver = makeDriver(dirs);
    const start = driver.start.bind(driver);
    let booting = 0;
    let most = 0;
    let boots = 0;
    driver.start = async (spec) => {
      booting++;
      boots++;
      most = Math.max(most, booting);
      try { return await start(spec); } finally { booting--; }
    };
    sup = makeSupervisor(h.db, driver, { holderId: 'start-conc', settings: { maxConcurrentStarts: 1 } });
    sup.start();
    await waitFor('all running', async () => {
      for (const id of ids) if ((await tenantState(h.db, id)).tenant.status !== 'running') return false;
      return true;
    }, 150_000, 200);
    assert.equal(most, 1, `at most one boot at a time, saw ${most}`);
    assert.equal(boots, 3);
  });

  test('a request waiting on a queued boot moves it to the front of the queue', async () => {
    await sup.stop(); // the three tenants are left `starting` for the next instance, as after an app restart
    const driver = makeDriver(dirs);
    const start = driver.start.bind(driver);
    const order: string[] = [];
    let openFirst!: () => void;
    const firstHeld = new Promise<void>((r) => { openFirst = r; });
    driver.start = async (spec) => {
      order.push(spec.tenantId);
      if (order.length === 1) await firstHeld; // the first boot holds the only turn until the queue is looked at
      return start(spec);
    };
    sup = makeSupervisor(h.db, driver, { holderId: 'start-conc-2', settings: { maxConcurrentStarts: 1 } });
    sup.start();
    const queue = () => (sup as unknown as { startQueue: Array<{ tenantId: string }> }).startQueue.map((q) => q.tenantId);
    await waitFor('one booting, two queued', async () => order.length === 1 && queue().length === 2, 30_000, 50);
    const last = queue()[1]!;
    sup.wake(last); // what a request waiting on that tenant does
    openFirst();
    await waitFor('all three booted', async () => order.length === 3, 60_000, 50);
    assert.equal(order[1], last, `the hurried tenant boots next: ${order.join(', ')}`);
  });
});
