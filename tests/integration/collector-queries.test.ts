// Sync-run queries (lib/db/queries/sync-runs.ts) on real Postgres and PGlite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS, freshDatabase } from '../helpers/test-db.ts';
import { syncRuns } from '../../lib/db/schema.ts';
import { durationPercentiles, latestRunPerProject, listSyncRuns, rebuildHistory, runsPerScanType, staleTenants } from '../../lib/db/queries/sync-runs.ts';
import { requestTenantStop } from '../../lib/db/queries/tenants-runtime.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { recordRuns } from '../../lib/history/record-runs.ts';
import { HISTOGRAM_RELATIVE_ERROR } from '../../lib/history/duration-histogram.ts';

const T0 = new Date('2026-05-01T10:00:00Z').getTime();
const at = (min: number) => new Date(T0 + min * 60_000);

function run(tenantId: string, id: string, o: Partial<typeof syncRuns.$inferInsert>): typeof syncRuns.$inferInsert {
  return { tenantId, runId: id, kind: 'sync', trigger: 'schedule', status: 'ok', startedAt: at(0), durationMs: 10, ...o };
}

for (const kind of DB_KINDS) {
  describe(`sync-run queries on ${kind}`, () => {
    test('latest per project, runs per scan type, percentiles, rebuild history, stale tenants', async () => {
      const h = await freshDatabase(kind);
      try {
        const a = await createTenantRow(h.db, 'qa');
        const b = await createTenantRow(h.db, 'qb');
        const c = await createTenantRow(h.db, 'qc'); // never synced
        const rows = [
          run(a, 'a1', { kind: 'rebuild', trigger: 'startup', startedAt: at(0), durationMs: 900, mode: 'rebuild' }),
          run(a, 'a2', { project: 'notes', scanType: 'full_initial', startedAt: at(1), durationMs: 100 }),
          run(a, 'a3', { project: 'notes', scanType: 'incremental', startedAt: at(30), durationMs: 20 }),
          run(a, 'a4', { project: 'notes', scanType: 'incremental', startedAt: at(61), durationMs: 40, status: 'failed' }),
          run(a, 'a5', { project: 'work', scanType: 'full_forced', startedAt: at(62), durationMs: 300 }),
          run(a, 'a6', { kind: 'rebuild', trigger: 'startup', startedAt: at(90), durationMs: 700, mode: 'catch_up' }),
          run(b, 'b1', { project: 'notes', scanType: 'incremental', startedAt: at(5), durationMs: 60 }),
          run(b, 'b2', { project: 'notes', scanType: 'incremental', startedAt: at(6), durationMs: 80, status: 'failed' }),
        ];
        // Through the collector's path (stored raw + counted in the roll-ups), as of the runs' own time.
        for (const t of [a, b]) await recordRuns(h.db, t, rows.filter((r) => r.tenantId === t), { now: at(120), rawNoChangeMs: 48 * 3_600_000 });

        const latest = await latestRunPerProject(h.db, a);
        assert.deepEqual(latest.map((r) => [r.project, r.runId, r.scanType, r.status]), [['notes', 'a4', 'incremental', 'failed'], ['work', 'a5', 'full_forced', 'ok']]);
        assert.deepEqual((await latestRunPerProject(h.db, b)).map((r) => r.runId), ['b2'], 'tenant scoped');
        assert.deepEqual((await listSyncRuns(h.db, a, { project: 'notes', limit: 2 })).map((r) => r.runId), ['a4', 'a3']);

        const range = { from: at(0), to: at(120) };
        const perType = await runsPerScanType(h.db, range, { tenantId: a });
        assert.deepEqual(perType.map((x) => [x.bucket.toISOString(), x.scanType, x.runs, x.failed]), [
          [at(0).toISOString(), 'full_initial', 1, 0],
          [at(0).toISOString(), 'incremental', 1, 0],
          [at(60).toISOString(), 'full_forced', 1, 0],
          [at(60).toISOString(), 'incremental', 1, 1],
        ]);
        const allTenants = await runsPerScanType(h.db, range, { bucket: 'day' });
        assert.equal(allTenants.find((x) => x.scanType === 'incremental')!.runs, 4);
        assert.equal((await runsPerScanType(h.db, { from: at(100), to: at(200) })).length, 0, 'range respected');

        const pct = await durationPercentiles(h.db, range);
        const inc = pct.find((p) => p.scanType === 'incremental')!;
        const near = (got: number, exact: number) => assert.ok(Math.abs(got - exact) <= exact * HISTOGRAM_RELATIVE_ERROR, `${got} vs ${exact}`);
        assert.equal(inc.runs, 4);
        assert.equal(inc.failed, 2);
        assert.equal(inc.approximate, true);
        near(inc.p50Ms, 40); // 20, 40, 60, 80 → nearest-rank median 40
        near(inc.p99Ms, 80);
        assert.equal(inc.maxMs, 80);
        const rb = pct.find((p) => p.scanType === 'rebuild')!;
        assert.equal(rb.runs, 2);
        near(rb.p50Ms, 700);

        const rebuilds = await rebuildHistory(h.db, { tenantId: a });
        assert.deepEqual(rebuilds.map((r) => [r.runId, r.mode, r.durationMs]), [['a6', 'catch_up', 700], ['a1', 'rebuild', 900]]);
        assert.equal((await rebuildHistory(h.db)).length, 2);

        // Stale: last ok sync older than 30 min at at(100): a's last ok is at(62) (38 min) → stale;
        // b's last ok at(5) → stale; c never synced and was created "now" → not stale yet.
        let stale = await staleTenants(h.db, { olderThanMs: 30 * 60_000, now: at(100) });
        assert.deepEqual(stale.map((s) => s.tenantId).sort(), [a, b].sort());
        assert.equal(stale.find((s) => s.tenantId === b)!.lastOkAt!.toISOString(), at(5).toISOString());
        assert.equal(stale.find((s) => s.tenantId === b)!.lastRunAt!.toISOString(), at(6).toISOString());
        stale = await staleTenants(h.db, { olderThanMs: 60 * 60_000, now: at(100) });
        assert.deepEqual(stale.map((s) => s.tenantId), [b]);
        // A never-synced tenant becomes stale once it is older than the threshold; stopped tenants never are.
        stale = await staleTenants(h.db, { olderThanMs: 60_000, now: new Date(Date.now() + 120_000) });
        assert.ok(stale.some((s) => s.tenantId === c && s.lastOkAt === null));
        await requestTenantStop(h.db, c);
        stale = await staleTenants(h.db, { olderThanMs: 60_000, now: new Date(Date.now() + 120_000) });
        assert.ok(!stale.some((s) => s.tenantId === c));
      } finally {
        await h.close();
      }
    });
  });
}
