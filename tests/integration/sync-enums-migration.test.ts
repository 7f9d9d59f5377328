// The migration that closes the sync-run sets (drizzle/*_sync_enums.sql) on both engines: a database
// migrated up to just before it, holding rows with every value of every set (and values outside them,
// written before the sets were closed), keeps every row; known values survive as they were, unknown
// ones become 'unknown' or null, and the columns are the enums afterwards.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseKind } from '../../lib/db/client.ts';
import { rowsOf } from '../../lib/db/queryable.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { createPostgresDatabase, DB_KINDS } from '../helpers/test-db.ts';
import {
  REBUILD_MODES, RECORDED_STATUSES, RECORDED_TRIGGERS, ROLLUP_SCAN_TYPES, RUN_KINDS, SCAN_TYPES,
} from '../../tenant/src/sync/run-vocabulary.ts';

const MIGRATIONS = path.join(REPO_ROOT, 'drizzle');

/** A copy of the migrations folder whose journal stops before the sync-enums migration. */
function migrationsBeforeEnums(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-migrations-'));
  fs.cpSync(MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta/_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_sync_enums'));
  assert.ok(at > 0, 'the sync_enums migration is in the journal');
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

async function open(kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') return openDatabase({ memory: true });
  const { url, drop } = await createPostgresDatabase();
  const h = await openDatabase({ url, max: 2 });
  return { ...h, close: async () => { await h.close(); await drop(); } };
}

const TENANT = '00000000-0000-4000-8000-0000000000e1';
// Every value of every set, plus one a tenant of another version might have sent.
const kinds = [...RUN_KINDS, 'other'];
const triggers = [...RECORDED_TRIGGERS, 'manual'];
const scanTypes = [...SCAN_TYPES, null, 'bogus'];
const statuses = [...RECORDED_STATUSES, 'weird'];
const modes = [...REBUILD_MODES, null, 'odd'];
const rollupTypes = [...ROLLUP_SCAN_TYPES, 'bogus'];

interface Seeded { runId: string; kind: string; trigger: string; scanType: string | null; status: string; mode: string | null }

function seededRuns(): Seeded[] {
  const out: Seeded[] = [];
  const n = Math.max(kinds.length, triggers.length, scanTypes.length, statuses.length, modes.length);
  for (let i = 0; i < n; i++) {
    out.push({
      runId: `r${i}`, kind: kinds[i % kinds.length], trigger: triggers[i % triggers.length],
      scanType: scanTypes[i % scanTypes.length], status: statuses[i % statuses.length], mode: modes[i % modes.length],
    });
  }
  return out;
}

const known = <T extends string>(set: readonly T[], v: string | null, fallback: string | null) => (v !== null && (set as readonly string[]).includes(v) ? v : fallback);

for (const kind of DB_KINDS) {
  describe(`sync enums migration on ${kind}`, () => {
    test('rows of every value survive; values outside a set become unknown or null; the columns are enums', async () => {
      const h = await open(kind);
      const before = migrationsBeforeEnums();
      try {
        await migrateDatabase(h, before);
        const db = h.db;
        await db.execute(sql`insert into tenants (id, name, bucket_name) values (${TENANT}, 'enum test', 'b-enum')`);
        const runs = seededRuns();
        for (const r of runs) {
          await db.execute(sql`insert into sync_runs (tenant_id, run_id, kind, project, trigger, scan_type, status, mode, started_at, duration_ms)
            values (${TENANT}, ${r.runId}, ${r.kind}, 'p', ${r.trigger}, ${r.scanType}, ${r.status}, ${r.mode}, now(), 1)`);
        }
        for (const [i, t] of rollupTypes.entries()) {
          await db.execute(sql`insert into sync_run_rollups (tenant_id, hour, project, scan_type, runs, failed, changed, duration_sum_ms, duration_max_ms, files_scanned, histogram)
            values (${TENANT}, '2026-01-01T00:00:00Z'::timestamptz + ${i} * interval '1 hour', 'p', ${t}, 1, 0, 0, 1, 1, 1, '{}'::jsonb)`);
          await db.execute(sql`insert into sync_fleet_rollups (hour, scan_type, runs, failed, changed, duration_sum_ms, duration_max_ms, files_scanned, histogram)
            values ('2026-01-01T00:00:00Z'::timestamptz + ${i} * interval '1 hour', ${t}, 1, 0, 0, 1, 1, 1, '{}'::jsonb)`);
        }
        const stateRows = scanTypes.map((scanType, i) => ({ status: statuses[i % statuses.length], scanType }));
        for (const [i, st] of stateRows.entries()) {
          await db.execute(sql`insert into sync_project_states (tenant_id, project, last_run_id, last_run_at, last_status, last_scan_type, last_duration_ms)
            values (${TENANT}, ${`p${i}`}, 'r', now(), ${st.status}, ${st.scanType}, 1)`);
        }

        await migrateDatabase(h);

        const got = rowsOf<Seeded & { run_id: string; scan_type: string | null }>(await db.execute(sql`
          select run_id, kind::text as kind, trigger::text as trigger, scan_type::text as scan_type, status::text as status, mode::text as mode
          from sync_runs order by run_id`));
        assert.equal(got.length, runs.length);
        const byId = new Map(got.map((g) => [g.run_id, g]));
        for (const r of runs) {
          const g = byId.get(r.runId)!;
          assert.deepEqual(
            { kind: g.kind, trigger: g.trigger, scanType: g.scan_type, status: g.status, mode: g.mode },
            {
              kind: r.kind === 'rebuild' ? 'rebuild' : 'sync', trigger: known(RECORDED_TRIGGERS, r.trigger, 'unknown'),
              scanType: known(SCAN_TYPES, r.scanType, null), status: known(RECORDED_STATUSES, r.status, 'unknown'), mode: known(REBUILD_MODES, r.mode, null),
            },
            `run ${r.runId} (${JSON.stringify(r)})`,
          );
        }
        for (const table of ['sync_run_rollups', 'sync_fleet_rollups']) {
          const types = rowsOf<{ scan_type: string }>(await db.execute(sql`select scan_type::text as scan_type from ${sql.identifier(table)} order by hour`)).map((x) => x.scan_type);
          assert.deepEqual(types, rollupTypes.map((t) => known(ROLLUP_SCAN_TYPES, t, 'unknown')), table);
        }
        const states = [...rowsOf<{ last_status: string; last_scan_type: string | null }>(await db.execute(sql`
          select last_status::text as last_status, last_scan_type::text as last_scan_type from sync_project_states order by project`))];
        assert.deepEqual(states, stateRows.map((st) => ({ last_status: known(RECORDED_STATUSES, st.status, 'unknown'), last_scan_type: known(SCAN_TYPES, st.scanType, null) })));

        const columnTypes = rowsOf<{ t: string; c: string; udt: string }>(await db.execute(sql`
          select table_name as t, column_name as c, udt_name as udt from information_schema.columns
          where (table_name, column_name) in (('sync_runs','kind'), ('sync_runs','trigger'), ('sync_runs','scan_type'), ('sync_runs','status'), ('sync_runs','mode'),
            ('sync_run_rollups','scan_type'), ('sync_fleet_rollups','scan_type'), ('sync_project_states','last_status'), ('sync_project_states','last_scan_type'))
          order by 1, 2`));
        assert.deepEqual(columnTypes.map((x) => `${x.t}.${x.c}:${x.udt}`), [
          'sync_fleet_rollups.scan_type:sync_rollup_scan_type', 'sync_project_states.last_scan_type:sync_scan_type', 'sync_project_states.last_status:sync_run_status',
          'sync_run_rollups.scan_type:sync_rollup_scan_type', 'sync_runs.kind:sync_run_kind', 'sync_runs.mode:rebuild_mode', 'sync_runs.scan_type:sync_scan_type',
          'sync_runs.status:sync_run_status', 'sync_runs.trigger:sync_run_trigger',
        ]);
        // The rebuild index was made again on the enum (partial on kind = 'rebuild').
        const idx = rowsOf<{ def: string }>(await db.execute(sql`select indexdef as def from pg_indexes where indexname = 'sync_runs_tenant_rebuild_started_idx'`));
        assert.match(idx[0]?.def ?? '', /WHERE \(kind = 'rebuild'::sync_run_kind\)/);
        // A value outside a set is refused from now on.
        await assert.rejects(db.execute(sql`update sync_runs set trigger = 'manual' where run_id = 'r0'`));
      } finally {
        await h.close();
        fs.rmSync(before, { recursive: true, force: true });
      }
    });
  });
}
