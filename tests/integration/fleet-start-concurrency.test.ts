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
});
