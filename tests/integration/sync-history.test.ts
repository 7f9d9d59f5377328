// The sync-history store (lib/history/*): counted exactly once, never lost before its raw retention
// ends, roll-up percentiles within the stated error of exact ones. Real Postgres and PGlite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { DB_KINDS, freshDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { syncRuns, type SyncRunRow } from '../../lib/db/schema.ts';
import { recordRuns, type RunInsert } from '../../lib/history/record-runs.ts';
import { runHistoryMaintenance, HISTORY_LOCK_KEY } from '../../lib/history/history-maintenance.ts';
import { rollupPercentiles, rollupSeries, rollupTotals } from '../../lib/db/queries/sync-rollups.ts';
import { HISTOGRAM_RELATIVE_ERROR, bucketOf, bucketValue, exactPercentile } from '../../lib/history/duration-histogram.ts';
import { rowsOf } from '../../lib/db/queryable.ts';
import { DEFAULT_HISTORY_CONFIG } from '../../lib/config/history.ts';
import { durationPerBucket, filesScannedPerBucket, runsPerBucket } from '../../lib/db/queries/run-series.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const RET = { ...DEFAULT_HISTORY_CONFIG, maintenanceBatch: 7 }; // small batches: several per pass

function run(id: string, at: number, o: Partial<RunInsert> = {}): RunInsert {
  return { tenantId: '', runId: id, kind: 'sync', project: 'notes', trigger: 'schedule', scanType: 'incremental', status: 'ok',
    startedAt: new Date(at), durationMs: 12, filesScanned: 40, ...o };
}

// A deterministic spread of durations (log-normal-ish, 1 ms .. ~60 s).
function durations(n: number): number[] {
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => Math.max(0, Math.round(Math.exp(1 + rnd() * 6 + rnd() * 4))));
}

test('histogram: every whole-millisecond duration is within the stated error of its bucket value', () => {
  assert.ok(HISTOGRAM_RELATIVE_ERROR < 0.026);
  for (let v = 1; v < 200_000; v = v < 2000 ? v + 1 : Math.ceil(v * 1.003)) {
    const got = bucketValue(bucketOf(v));
    assert.ok(Math.abs(got - v) <= v * HISTOGRAM_RELATIVE_ERROR + 1e-9, `${v} → ${got}`);
  }
  assert.equal(bucketValue(bucketOf(0)), 0);
});

for (const kind of DB_KINDS) {
  describe(`sync history on ${kind}`, () => {
    test('counted once however often a run is recorded; retention deletes raw rows without changing a count', async () => {
      const h = await freshDatabase(kind);
      try {
        const t = await createTenantRow(h.db, 'hist');
        const rows = [
          run('quiet-1', T0 + 10 * 60_000),                                     // no change
          run('quiet-2', T0 + 20 * 60_000),                                     // no change
          run('changed', T0 + 30 * 60_000, { modifiedCount: 2, durationMs: 80 }),
          run('skipped', T0 + 40 * 60_000, { skippedCount: 1 }),
          run('failed', T0 + 50 * 60_000, { status: 'failed', durationMs: 5 }),
          run('rebuild', T0 + 5 * 60_000, { kind: 'rebuild', project: null, scanType: null, trigger: 'startup', durationMs: 900, filesScanned: 300 }),
        ];
        const now = new Date(T0 + H);
        const first = await recordRuns(h.db, t, rows, { now, rawNoChangeMs: RET.rawNoChangeMs });
        assert.deepEqual(first, { stored: 6, counted: 6 });
        // The same page again (a re-read) stores and counts nothing.
        assert.deepEqual(await recordRuns(h.db, t, rows, { now, rawNoChangeMs: RET.rawNoChangeMs }), { stored: 0, counted: 0 });
        const range = { from: new Date(T0 - 24 * H), to: new Date(T0 + 24 * H) };
        const expectTotals = { runs: 6, failed: 1, syncRuns: 5, syncFailed: 1 };
        assert.deepEqual(await rollupTotals(h.db, range, { tenantId: t }), expectTotals);
        assert.deepEqual(await rollupTotals(h.db, range), expectTotals, 'fleet table agrees');
        const raw = async () => (await h.db.select({ id: syncRuns.runId, changed: syncRuns.changed }).from(syncRuns)).map((r) => r.id).sort();
        assert.deepEqual((await h.db.select().from(syncRuns)).filter((r: SyncRunRow) => !r.changed).map((r) => r.runId).sort(), ['quiet-1', 'quiet-2']);

        // One minute before the no-change retention ends for quiet-2 (started 00:20): quiet-1 (00:10) goes, quiet-2 stays.
        let m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + RET.rawNoChangeMs + 19 * 60_000) });
        assert.equal(m.noChangeDeleted, 1);
        assert.deepEqual(await raw(), ['changed', 'failed', 'quiet-2', 'rebuild', 'skipped']);
        m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + RET.rawNoChangeMs + 21 * 60_000) });
        assert.equal(m.noChangeDeleted, 1);
        assert.deepEqual(await raw(), ['changed', 'failed', 'rebuild', 'skipped'], 'changed, skipped, failed and rebuilds stay raw');
        assert.deepEqual(await rollupTotals(h.db, range, { tenantId: t }), expectTotals, 'counts unchanged by retention');

        // Changed runs go at 90 days, not a minute before.
        m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + 90 * 24 * H + 6 * 60_000) }); // the rebuild (00:05) goes; the changed run (00:30) stays
        assert.deepEqual(await raw(), ['changed', 'failed', 'skipped']);
        m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + 90 * 24 * H + 51 * 60_000) });
        assert.deepEqual(await raw(), []);
        assert.deepEqual(await rollupTotals(h.db, range, { tenantId: t }), expectTotals, 'still counted after every raw row is gone');
        // Roll-ups go after a year.
        m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + 365 * 24 * H - 1) });
        assert.equal(m.rollupsDeleted, 0);
        m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + 365 * 24 * H + H + 1) });
        assert.ok(m.rollupsDeleted >= 2);
        assert.deepEqual(await rollupTotals(h.db, range), { runs: 0, failed: 0, syncRuns: 0, syncFailed: 0 });
      } finally {
        await h.close();
      }
    });

    test('a no-change run arriving after its raw retention is counted without being stored; many batches are deleted in bounded steps', async () => {
      const h = await freshDatabase(kind);
      try {
        const t = await createTenantRow(h.db, 'late');
        const now = new Date(T0 + 72 * H);
        const r = await recordRuns(h.db, t, [run('old-quiet', T0), run('old-changed', T0, { newCount: 1 })], { now, rawNoChangeMs: RET.rawNoChangeMs });
        assert.deepEqual(r, { stored: 1, counted: 2 });
        assert.equal((await rollupTotals(h.db, { from: new Date(T0 - H), to: new Date(T0 + H) }, { tenantId: t })).runs, 2);

        const many = Array.from({ length: 50 }, (_, i) => run(`q${i}`, T0 + 73 * H + i * 30_000));
        await recordRuns(h.db, t, many, { now: new Date(T0 + 74 * H), rawNoChangeMs: RET.rawNoChangeMs });
        const m = await runHistoryMaintenance(h.db, RET, { now: new Date(T0 + 200 * H) });
        assert.equal(m.noChangeDeleted, 50); // 8 batches of ≤ 7
        assert.equal((await rollupTotals(h.db, { from: new Date(T0), to: new Date(T0 + 100 * H) }, { tenantId: t })).runs, 52);
        // The project charts' series over hour buckets read the roll-ups: runs past raw retention still count.
        const range = { from: new Date(T0 + 72 * H), to: new Date(T0 + 96 * H) };
        const series = await runsPerBucket(h.db, t, 'notes', range);
        assert.equal(series.bucketSeconds, 3600);
        assert.deepEqual(series.rows.map((r) => [r.bucket.toISOString(), r.runs]), [[new Date(T0 + 73 * H).toISOString(), 50]]);
        const dur = await durationPerBucket(h.db, t, 'notes', range);
        assert.ok(Math.abs(dur.rows[0]!.p50Ms - 12) <= 12 * HISTOGRAM_RELATIVE_ERROR);
        assert.equal((await filesScannedPerBucket(h.db, t, undefined, range)).rows[0]!.filesScanned, 50 * 40);
      } finally {
        await h.close();
      }
    });

    test('roll-up percentiles are within the stated error of exact nearest-rank percentiles on the same data', async () => {
      const h = await freshDatabase(kind);
      try {
        const t = await createTenantRow(h.db, 'pct');
        const ds = durations(3000);
        const rows = ds.map((ms, i) => run(`p${i}`, T0 + i * 30_000, { durationMs: ms, project: i % 2 ? 'a' : 'b' }));
        for (let i = 0; i < rows.length; i += 500) await recordRuns(h.db, t, rows.slice(i, i + 500), { now: new Date(T0 + 30 * H), rawNoChangeMs: RET.rawNoChangeMs });
        const range = { from: new Date(T0), to: new Date(T0 + 30 * H) };
        for (const scope of [{ tenantId: t }, {}]) {
          const [p] = await rollupPercentiles(h.db, range, scope);
          assert.equal(p!.runs, 3000);
          assert.equal(p!.approximate, true);
          for (const [q, got] of [[0.5, p!.p50Ms], [0.95, p!.p95Ms], [0.99, p!.p99Ms]] as const) {
            const exact = exactPercentile(ds, q)!;
            assert.ok(Math.abs(got - exact) <= exact * HISTOGRAM_RELATIVE_ERROR, `q${q}: ${got} vs exact ${exact}`);
          }
          assert.equal(p!.maxMs, Math.max(...ds));
          assert.ok(Math.abs(p!.meanMs - ds.reduce((s, x) => s + x, 0) / ds.length) < 1e-6);
        }
        // One project only.
        const [pa] = await rollupPercentiles(h.db, range, { tenantId: t, project: 'a' });
        const dsA = ds.filter((_, i) => i % 2);
        assert.equal(pa!.runs, dsA.length);
        assert.ok(Math.abs(pa!.p95Ms - exactPercentile(dsA, 0.95)!) <= exactPercentile(dsA, 0.95)! * HISTOGRAM_RELATIVE_ERROR);
        // Series: 120 runs an hour, day buckets add up.
        const hourly = await rollupSeries(h.db, range, { tenantId: t });
        assert.equal(hourly.length, 25);
        assert.equal(hourly[0]!.runs, 120);
        const daily = await rollupSeries(h.db, range, { bucket: 'day' });
        assert.equal(daily.reduce((s, x) => s + x.runs, 0), 3000);
      } finally {
        await h.close();
      }
    });

    if (kind === 'postgres') {
      test('maintenance yields to another instance holding the lock', async () => {
        const h = await freshDatabase(kind);
        try {
          const { default: postgres } = await import('postgres');
          const other = postgres(h.url!, { max: 1, onnotice: () => {} });
          try {
            await other.begin(async (tx) => {
              await tx`select pg_advisory_xact_lock(${HISTORY_LOCK_KEY})`;
              const m = await runHistoryMaintenance(h.db, RET, { now: new Date() });
              assert.equal(m.skipped, true);
            });
            assert.equal((await runHistoryMaintenance(h.db, RET, { now: new Date() })).skipped, false);
          } finally {
            await other.end({ timeout: 5 });
          }
          assert.ok(rowsOf(await h.db.execute(sql`select 1`)).length === 1);
        } finally {
          await h.close();
        }
      });
    }
  });
}
