// Project-run queries (lib/db/queries/project-runs.ts, run-series.ts) on real Postgres and PGlite:
// filters, pagination, tenant scoping, per-project facts, buckets and percentiles.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS, freshDatabase } from '../helpers/test-db.ts';
import { syncRuns } from '../../lib/db/schema.ts';
import { getProjectRun, lastFailureTimes, listProjectRuns, projectRunFacts } from '../../lib/db/queries/project-runs.ts';
import { rebuildHistory } from '../../lib/db/queries/sync-runs.ts';
import { durationPerBucket, filesScannedPerBucket, runsPerBucket } from '../../lib/db/queries/run-series.ts';
import { parseRunFilters } from '../../lib/sync-health/run-filters.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000);
function run(tenantId: string, id: string, o: Partial<typeof syncRuns.$inferInsert>): typeof syncRuns.$inferInsert {
  return { tenantId, runId: id, kind: 'sync', project: 'notes', trigger: 'schedule', scanType: 'incremental', status: 'ok', startedAt: ago(1), finishedAt: ago(1), durationMs: 10, ...o };
}

for (const kind of DB_KINDS) {
  describe(`project-run queries on ${kind}`, () => {
    test('history filters, pagination, one run, facts, series; never another tenant', async () => {
      const h = await freshDatabase(kind);
      try {
        const a = await createTenantRow(h.db, 'pa');
        const b = await createTenantRow(h.db, 'pb');
        await h.db.insert(syncRuns).values([
          run(a, 'a1', { scanType: 'full_initial', trigger: 'startup', startedAt: ago(50), finishedAt: ago(50), durationMs: 400, filesScanned: 100 }),
          run(a, 'a2', { startedAt: ago(40), finishedAt: ago(40), durationMs: 20, filesScanned: 100, skippedCount: 1, skippedFiles: [{ path: 'bad.md', reason: 'x', failure_count: 3 }] }),
          run(a, 'a3', { startedAt: ago(30), finishedAt: ago(30), durationMs: 30, status: 'failed', errorCount: 1, errors: [{ path: 'bad.md', message: 'boom' }] }),
          run(a, 'a3b', { project: 'work', startedAt: ago(29), finishedAt: ago(29), errors: [{ path: 'bad.md', message: 'other project' }] }),
          run(a, 'a4', { scanType: 'full_forced', trigger: 'force', startedAt: ago(20), finishedAt: ago(20), durationMs: 300, filesScanned: 100, warnings: [{ path: 'y.md', message: 'broken YAML' }] }),
          run(a, 'a5', { startedAt: ago(10), finishedAt: ago(10), durationMs: 40, filesScanned: 100 }),
          run(a, 'a6', { project: 'work', startedAt: ago(5), finishedAt: ago(5) }),
          run(a, 'old', { startedAt: ago(60 * 24 * 40), finishedAt: ago(60 * 24 * 40) }),
          run(a, 'rb', { kind: 'rebuild', project: null, trigger: 'startup', scanType: null, mode: 'rebuild', startedAt: ago(55), durationMs: 900, filesScanned: 100 }),
          run(b, 'b1', { startedAt: ago(3) }),
        ]);
        const filters = (q: Record<string, string>) => parseRunFilters(q, NOW).filters;
        const all = await listProjectRuns(h.db, a, 'notes', filters({}), 2);
        assert.equal(all.total, 5, 'the 40-day-old run is outside the default range');
        assert.deepEqual(all.runs.map((r) => r.runId), ['a5', 'a4']);
        assert.deepEqual((await listProjectRuns(h.db, a, 'notes', filters({ page: '3' }), 2)).runs.map((r) => r.runId), ['a1']);
        const ids = async (q: Record<string, string>) => (await listProjectRuns(h.db, a, 'notes', filters(q), 50)).runs.map((r) => r.runId);
        assert.deepEqual(await ids({ outcome: 'unsuccessful' }), ['a3', 'a2']);
        assert.deepEqual(await ids({ outcome: 'failed' }), ['a3']);
        assert.deepEqual(await ids({ outcome: 'with_skipped' }), ['a2']);
        assert.deepEqual(await ids({ scan_type: 'full_forced' }), ['a4']);
        assert.deepEqual(await ids({ trigger: 'startup' }), ['a1']);
        assert.deepEqual(await ids({ range: '30d', outcome: 'ok' }), ['a5', 'a4', 'a2', 'a1']);
        assert.deepEqual(await ids({ range: 'custom', from: ago(45).toISOString(), to: ago(15).toISOString() }), ['a4', 'a3', 'a2']);
        assert.equal((await listProjectRuns(h.db, b, 'notes', filters({}), 50)).total, 1, 'tenant scoped');

        const one = await getProjectRun(h.db, a, 'a4');
        assert.deepEqual(one?.warnings, [{ path: 'y.md', message: 'broken YAML' }]);
        assert.equal(await getProjectRun(h.db, b, 'a4'), null, "another tenant's run id is not found");

        const lf = await lastFailureTimes(h.db, a, 'notes', ['bad.md', 'fine.md'], ago(20));
        assert.deepEqual([...lf].map(([p, t]) => [p, t.toISOString()]), [['bad.md', ago(30).toISOString()]]);
        assert.equal((await lastFailureTimes(h.db, a, 'notes', ['bad.md'], ago(35))).size, 0, 'only runs up to the given time');
        const facts = await projectRunFacts(h.db, a);
        assert.deepEqual([...facts.keys()].sort(), ['notes', 'work']);
        assert.equal(facts.get('notes')!.latest.runId, 'a5');
        assert.equal(facts.get('notes')!.lastOkAt!.toISOString(), ago(10).toISOString());
        assert.equal(facts.get('notes')!.runCount, 6);
        assert.deepEqual((await rebuildHistory(h.db, { tenantId: a, limit: 200 })).map((r) => r.runId), ['rb']);

        const range = { from: ago(60), to: NOW };
        const runs = await runsPerBucket(h.db, a, 'notes', range);
        assert.equal(runs.bucketSeconds, 300);
        assert.equal(runs.rows.reduce((s, r) => s + r.runs, 0), 5);
        assert.equal(runs.rows.reduce((s, r) => s + r.failed, 0), 1);
        assert.deepEqual([...new Set(runs.rows.map((r) => r.scanType))].sort(), ['full_forced', 'full_initial', 'incremental']);
        assert.equal(runs.rows[0]!.bucket.toISOString(), ago(50).toISOString(), 'buckets start at the range start');
        const dur = await durationPerBucket(h.db, a, 'notes', range);
        assert.equal(dur.rows.find((r) => r.scanType === 'full_forced')!.p95Ms, 300);
        const files = await filesScannedPerBucket(h.db, a, undefined, range);
        assert.equal(files.rows.reduce((s, r) => s + r.filesScanned, 0), 400);
      } finally { await h.close(); }
    });
  });
}
