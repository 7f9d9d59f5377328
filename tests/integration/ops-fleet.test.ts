// The ops views' queries on Postgres and PGlite: overview tiles and needs attention from collected
// history, the tenants table sorted/searched/paginated on the server, one tenant, a bucket's runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { DB_KINDS, freshDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { tenantEndpoints, tenants, tenantSyncCursors } from '../../lib/db/schema.ts';
import { recordRuns, type RunInsert } from '../../lib/history/record-runs.ts';
import { opsOverview, opsRunsInBucket, opsTenantDetail, opsTenantsTable, OpsTenantsQuery, type OpsSettings } from '../../lib/db/queries/ops-fleet.ts';

const NOW = new Date('2026-07-01T12:30:00Z');
const S: OpsSettings = { syncIntervalSeconds: 30, crashWindowMs: 600_000, staleAfterMs: 60_000 };
const ago = (ms: number) => new Date(NOW.getTime() - ms);

for (const kind of DB_KINDS) {
  describe(`ops fleet queries on ${kind}`, () => {
    test('overview, needs attention, tenants table, one tenant, drill-down', async () => {
      const h = await freshDatabase(kind);
      try {
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          const id = await createTenantRow(h.db, `t${i}`);
          ids.push(id);
          await h.db.update(tenants).set({ status: 'running' }).where(eq(tenants.id, id));
          await h.db.insert(tenantSyncCursors).values({ tenantId: id, lastCollectedAt: ago(i === 6 ? 600_000 : 1000) });
          const runs: RunInsert[] = Array.from({ length: 10 }, (_, k) => ({
            tenantId: id, runId: `r${k}`, kind: 'sync', project: 'notes', trigger: 'schedule', scanType: 'incremental',
            status: i === 1 && k === 9 ? 'failed' : 'ok', startedAt: ago((10 - k) * 20_000), durationMs: 10 + k, filesScanned: 5,
          }));
          await recordRuns(h.db, id, runs, { now: NOW, rawNoChangeMs: 86_400_000 });
        }
        await h.db.update(tenants).set({ status: 'failed' }).where(eq(tenants.id, ids[2]!));
        await h.db.insert(tenantEndpoints).values({ tenantId: ids[3]!, crashCount: 3, crashWindowStartedAt: ago(30_000) });
        await h.db.update(tenants).set({ status: 'stopped', desiredState: 'stopped' }).where(eq(tenants.id, ids[4]!));

        const o = await opsOverview(h.db, '24h', NOW, S);
        assert.equal(o.runs.total, 70);
        assert.equal(o.runs.failed, 1);
        assert.deepEqual(o.needsAttention.map((a) => [a.tenantId, a.reason]), [
          [ids[2], 'failed'], [ids[3], 'crash_looping'], [ids[1], 'projects_down_or_failing'], [ids[6], 'stopped_reporting'],
        ]);
        assert.equal(o.tenantsByStatus.running, 5);
        assert.equal(o.projectsByHealth.up_to_date, 4);
        assert.equal(o.percentiles[0]!.runs, 70);

        const all = await opsTenantsTable(h.db, OpsTenantsQuery.parse({ sort: 'crashes', dir: 'desc', pageSize: 3 }), NOW, S);
        assert.equal(all.total, 7);
        assert.equal(all.pages, 3);
        assert.equal(all.rows[0]!.tenantId, ids[3]);
        const p3 = await opsTenantsTable(h.db, OpsTenantsQuery.parse({ sort: 'owner', page: 3, pageSize: 3 }), NOW, S);
        assert.deepEqual(p3.rows.map((r) => r.name), ['t6']);
        const found = await opsTenantsTable(h.db, OpsTenantsQuery.parse({ q: 't6' }), NOW, S);
        assert.deepEqual(found.rows.map((r) => [r.tenantId, r.stale]), [[ids[6], true]]);
        const byReported = await opsTenantsTable(h.db, OpsTenantsQuery.parse({ sort: 'last_reported', dir: 'asc' }), NOW, S);
        assert.equal(byReported.rows[0]!.tenantId, ids[6], 'the longest silent first');
        assert.ok(!OpsTenantsQuery.safeParse({ sort: 'nope' }).success);

        const one = await opsTenantDetail(h.db, ids[1]!, '24h', NOW, S);
        assert.equal(one!.attention!.reason, 'projects_down_or_failing');
        assert.equal(one!.projects[0]!.health, 'failing');
        assert.equal(one!.runs.length, 10);
        assert.equal(await opsTenantDetail(h.db, '00000000-0000-0000-0000-000000000000', '24h', NOW, S), null);

        const drill = await opsRunsInBucket(h.db, { from: ago(3_600_000), to: NOW, scanType: 'incremental', tenantId: ids[1], limit: 5 });
        assert.equal(drill.length, 5);
        assert.equal(drill[0]!.runId, 'r9');
      } finally {
        await h.close();
      }
    });
  });
}
