// Scheduled snapshots of sleeping tenants (real Postgres): a tenant that served no request since its last
// scheduled snapshot is skipped, and its status detail says why; one that did is woken for it (`sleeping →
// starting`, once), at most `concurrency` per pass, the rest on the next pass; one not yet due is left alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import type { SnapshotsConfig } from '../../lib/config/snapshots.ts';
import { WAKING_DETAIL } from '../../lib/db/queries/tenants-runtime.ts';
import { snapshotRuns, tenants } from '../../lib/db/schema.ts';
import { SnapshotScheduler } from '../../lib/snapshots/snapshot-scheduler.ts';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createTenantRow, tenantState } from '../helpers/tenant-fixtures.ts';

const H = 3_600_000;
const IDLE_MS = 900_000;
const config: SnapshotsConfig = {
  scheduleEnabled: true, intervalMs: H, keepHourlyHours: 24, keepDailyDays: 7, keepWeeklyWeeks: 4,
  pruneIntervalMs: 24 * H, timeoutMs: 60_000, concurrency: 1, repositoryTemplate: null,
};

describe('scheduled snapshots of sleeping tenants (postgres)', () => {
  let h: TestDatabase;
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h.close(); });

  test('unchanged since the last snapshot: skipped with a reason; changed or never snapshotted: woken, rate-limited; not due: untouched', async () => {
    const now = Date.now();
    const sleep = (id: string, since: number) => h.db.update(tenants).set({ status: 'sleeping', statusChangedAt: new Date(since), statusDetail: 'idle for 900 s' }).where(eq(tenants.id, id));
    const snap = (id: string, started: number, status: 'succeeded' | 'failed' = 'succeeded') => h.db.insert(snapshotRuns)
      .values({ tenantId: id, kind: 'scheduled', status, startedAt: new Date(started), finishedAt: new Date(started + 2000), resticId: 'r', files: 1, bytesAdded: 0, durationMs: 2000 });

    const quiet = await createTenantRow(h.db, 'quiet'); // asleep idle-time after its snapshot ended: no request since
    await snap(quiet, now - 2 * H);
    await sleep(quiet, now - 2 * H + 2000 + IDLE_MS + 2500);
    const used = await createTenantRow(h.db, 'used'); // served requests long after its snapshot
    await snap(used, now - 2 * H);
    await sleep(used, now - H / 2);
    const failedLast = await createTenantRow(h.db, 'failed-last'); // its last snapshot failed: retry it
    await snap(failedLast, now - 2 * H, 'failed');
    await sleep(failedLast, now - 2 * H + 2000 + IDLE_MS);
    const never = await createTenantRow(h.db, 'never'); // no snapshot yet
    await sleep(never, now - H);
    const fresh = await createTenantRow(h.db, 'fresh'); // snapshot in its current slot already
    await snap(fresh, now);
    await sleep(fresh, now - 1000);

    const woken: string[] = [];
    const scheduler = new SnapshotScheduler({ db: h.db, config, idleStopMs: IDLE_MS, healthIntervalMs: 2000, onWake: (id) => woken.push(id), log: () => {} });
    const status = async (id: string) => (await tenantState(h.db, id)).tenant;

    await scheduler.tick();
    assert.equal(woken.length, 1, `one wake per pass with concurrency 1: ${woken}`);
    await scheduler.tick();
    await scheduler.tick();
    assert.deepEqual(woken.sort(), [used, failedLast, never].sort());
    for (const id of woken) {
      const t = await status(id);
      assert.equal(t.status, 'starting');
      assert.equal(t.statusDetail, WAKING_DETAIL);
    }
    const q = await status(quiet);
    assert.equal(q.status, 'sleeping');
    assert.match(q.statusDetail ?? '', /scheduled snapshot of .* skipped: no request since the snapshot of .*caught up at the next wake/);
    const f = await status(fresh);
    assert.equal(f.status, 'sleeping');
    assert.equal(f.statusDetail, 'idle for 900 s', 'not due: untouched');
    assert.equal((await h.db.select().from(snapshotRuns)).length, 4, 'the scheduler itself took no snapshot of a sleeping tenant');
  });
});
