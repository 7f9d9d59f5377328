// The one path by which collected runs enter the history store (the collector and bench:ops use it).
//
// In one transaction (the caller's): raw rows are inserted `ON CONFLICT DO NOTHING RETURNING`, and only
// the rows that were really inserted are added to the hourly roll-ups (per tenant/project/scan type and
// fleet-wide) and to the per-project latest state. A run is therefore counted exactly once, when it is
// first stored; deleting raw rows later (retention) never changes a count. A no-change run that is
// already older than its raw retention when it arrives (a tenant unreachable for days) is counted
// without being stored raw: the collector's cursor compare-and-set guarantees the feed delivers it once.
import { getTableColumns, SQL, sql } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { Database } from '../db/client.ts';
import { rowsOf } from '../db/queryable.ts';
import { syncFleetRollups, syncProjectStates, syncRunRollups, syncRuns } from '../db/schema.ts';
import { addToHistogram, type Histogram } from './duration-histogram.ts';
import type { RollupScanType } from '../../tenant/src/sync/run-vocabulary.ts';

export type RunInsert = typeof syncRuns.$inferInsert;

/** A sync that was ok and found nothing to do. Everything else (and every rebuild) is "changed". */
export function isChangedRun(r: Pick<RunInsert, 'kind' | 'status' | 'newCount' | 'modifiedCount' | 'deletedCount' | 'movedCount' | 'skippedCount' | 'errorCount'> & { warnings?: unknown }): boolean {
  if (r.kind !== 'sync' || r.status !== 'ok') return true;
  if (Array.isArray(r.warnings) && r.warnings.length > 0) return true;
  return (r.newCount ?? 0) + (r.modifiedCount ?? 0) + (r.deletedCount ?? 0) + (r.movedCount ?? 0) + (r.skippedCount ?? 0) + (r.errorCount ?? 0) > 0;
}

/** The roll-up scan type of a run: rebuilds are their own type. */
export function rollupScanType(r: Pick<RunInsert, 'kind' | 'scanType'>): RollupScanType {
  return r.kind === 'rebuild' ? 'rebuild' : (r.scanType ?? 'unknown');
}

function hourOf(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
}

export interface RecordOptions {
  now: Date;
  /** HISTORY_RAW_NO_CHANGE_HOURS in ms. */
  rawNoChangeMs: number;
  /** Told which runs were counted (for /metrics; call sites count them after their transaction commits). */
  onCounted?: (rows: RunInsert[]) => void;
}

export interface RecordResult { stored: number; counted: number }

interface Agg {
  runs: number; failed: number; changed: number; durationSumMs: number; durationMaxMs: number; filesScanned: number; histogram: Histogram;
}
const emptyAgg = (): Agg => ({ runs: 0, failed: 0, changed: 0, durationSumMs: 0, durationMaxMs: 0, filesScanned: 0, histogram: {} });
function addRun(a: Agg, r: RunInsert): void {
  a.runs++;
  if (r.status !== 'ok') a.failed++;
  if (r.changed) a.changed++;
  a.durationSumMs += r.durationMs;
  a.durationMaxMs = Math.max(a.durationMaxMs, r.durationMs);
  a.filesScanned += r.filesScanned ?? 0;
  addToHistogram(a.histogram, r.durationMs);
}

// Merging on conflict: counts add up, histograms add bucket by bucket.
const mergeSet = (table: 'sync_run_rollups' | 'sync_fleet_rollups') => sql.raw(`
  runs = ${table}.runs + excluded.runs,
  failed = ${table}.failed + excluded.failed,
  changed = ${table}.changed + excluded.changed,
  duration_sum_ms = ${table}.duration_sum_ms + excluded.duration_sum_ms,
  duration_max_ms = greatest(${table}.duration_max_ms, excluded.duration_max_ms),
  files_scanned = ${table}.files_scanned + excluded.files_scanned,
  histogram = (select coalesce(jsonb_object_agg(k, s), '{}'::jsonb) from (
      select key as k, sum(value::bigint) as s from (
        select key, value from jsonb_each_text(${table}.histogram)
        union all select key, value from jsonb_each_text(excluded.histogram)) u
      group by key) x)`);

export type ProjectRollupDelta = typeof syncRunRollups.$inferInsert;
export type FleetRollupDelta = typeof syncFleetRollups.$inferInsert;

// The counted columns, as a jsonb_to_recordset column list and their plain names.
const COUNT_COLUMNS = 'runs int, failed int, changed int, duration_sum_ms bigint, duration_max_ms int, files_scanned bigint, histogram jsonb';
const COUNT_NAMES = 'runs, failed, changed, duration_sum_ms, duration_max_ms, files_scanned, histogram';
const countsOf = (r: Omit<FleetRollupDelta, 'hour' | 'scanType'>) => ({
  runs: r.runs, failed: r.failed, changed: r.changed, duration_sum_ms: r.durationSumMs, duration_max_ms: r.durationMaxMs,
  files_scanned: r.filesScanned, histogram: r.histogram,
});

// Roll-up rows go to Postgres as ONE jsonb parameter (jsonb_to_recordset), not as a VALUES list with a
// parameter per cell: building a many-row insert costs the query builder ≈ 0.3–0.8 ms per row of CPU in
// this process, which dominated a large collection batch. Rows are inserted in the order given
// (WITH ORDINALITY), so concurrent writers still lock shared rows in the same order.

/** Adds counts to the per-project hourly roll-ups (one row per key in `rows`; merged on conflict). */
export async function upsertProjectRollups(tx: Database, rows: ProjectRollupDelta[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(rows.slice(i, i + 5000).map((r) => ({ tenant_id: r.tenantId, hour: r.hour, project: r.project, scan_type: r.scanType, ...countsOf(r) })));
    await tx.execute(sql`
      insert into sync_run_rollups (tenant_id, hour, project, scan_type, ${sql.raw(COUNT_NAMES)})
      select tenant_id, hour, project, scan_type, ${sql.raw(COUNT_NAMES)}
      from rows from (jsonb_to_recordset(${json}::jsonb) as (tenant_id uuid, hour timestamptz, project text, scan_type sync_rollup_scan_type, ${sql.raw(COUNT_COLUMNS)}))
        with ordinality as x(tenant_id, hour, project, scan_type, ${sql.raw(COUNT_NAMES)}, n)
      order by n
      on conflict (tenant_id, hour, project, scan_type) do update set ${mergeSet('sync_run_rollups')}`);
  }
}

/** Adds counts to the fleet-wide hourly roll-ups (rows in a fixed key order; merged on conflict). */
export async function upsertFleetRollups(tx: Database, rows: FleetRollupDelta[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(rows.slice(i, i + 5000).map((r) => ({ hour: r.hour, scan_type: r.scanType, ...countsOf(r) })));
    await tx.execute(sql`
      insert into sync_fleet_rollups (hour, scan_type, ${sql.raw(COUNT_NAMES)})
      select hour, scan_type, ${sql.raw(COUNT_NAMES)}
      from rows from (jsonb_to_recordset(${json}::jsonb) as (hour timestamptz, scan_type sync_rollup_scan_type, ${sql.raw(COUNT_COLUMNS)}))
        with ordinality as x(hour, scan_type, ${sql.raw(COUNT_NAMES)}, n)
      order by n
      on conflict (hour, scan_type) do update set ${mergeSet('sync_fleet_rollups')}`);
  }
}

// Raw runs go in the same way (one jsonb parameter, one statement per page): drizzle's builder spends
// ≈ 20 µs of this process's CPU per cell (`is()` checks), so a 500-run page of 25 columns blocked the event
// loop for 160–270 ms; as one parameter the page costs a JSON.stringify (≈ 2 ms). Names, SQL types (enums
// included) and defaults come from the drizzle table, so the statement follows the schema.
const RAW_RUN_COLUMNS = Object.entries(getTableColumns(syncRuns))
  .filter(([key]) => key !== 'collectedAt') // the database's default: when it was stored
  .map(([key, c]) => ({ key: key as keyof RunInsert, name: c.keyAsName ? toSnakeCase(key) : c.name, type: c.getSQLType(), fallback: c.hasDefault ? c.default : undefined }));
const RAW_RUN_NAMES = sql.join(RAW_RUN_COLUMNS.map((c) => sql.identifier(c.name)), sql`, `);
const RAW_RUN_RECORD = sql.join(RAW_RUN_COLUMNS.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.type)}`), sql`, `);
const RAW_RUN_VALUES = sql.join(RAW_RUN_COLUMNS.map((c) => {
  const col = sql`x.${sql.identifier(c.name)}`;
  if (c.fallback === undefined) return col;
  return sql`coalesce(${col}, ${c.fallback instanceof SQL ? c.fallback : sql`${c.fallback}`})`;
}), sql`, `);

/** Inserts raw runs in one statement (`ON CONFLICT DO NOTHING`); returns the run ids really inserted. */
async function insertRawRuns(tx: Database, rows: RunInsert[]): Promise<Set<string>> {
  const json = JSON.stringify(rows.map((r) => Object.fromEntries(RAW_RUN_COLUMNS.map((c) => [c.name, r[c.key] ?? null]))));
  const r = await tx.execute(sql`
    insert into sync_runs (${RAW_RUN_NAMES})
    select ${RAW_RUN_VALUES}
    from rows from (jsonb_to_recordset(${json}::jsonb) as (${RAW_RUN_RECORD})) with ordinality as x(${RAW_RUN_NAMES}, n)
    order by n
    on conflict (tenant_id, run_id) do nothing
    returning run_id`);
  return new Set(rowsOf<{ run_id: string }>(r).map((x) => String(x.run_id)));
}

/**
 * Stores and counts runs of one tenant. `rows` need not have `changed` set (it is derived). Call inside
 * the transaction that also advances the tenant's cursor.
 */
export async function recordRuns(tx: Database, tenantId: string, rows: RunInsert[], o: RecordOptions): Promise<RecordResult> {
  if (!rows.length) return { stored: 0, counted: 0 };
  const horizon = o.now.getTime() - o.rawNoChangeMs;
  const all = rows.map((r) => ({ ...r, tenantId, changed: isChangedRun(r) }));
  const late = all.filter((r) => !r.changed && new Date(r.startedAt).getTime() < horizon);
  const toStore = all.filter((r) => r.changed || new Date(r.startedAt).getTime() >= horizon);

  const counted: RunInsert[] = [...late];
  for (let i = 0; i < toStore.length; i += 5000) {
    const batch = toStore.slice(i, i + 5000);
    const fresh = await insertRawRuns(tx, batch);
    for (const r of batch) if (fresh.has(r.runId)) counted.push(r);
  }
  if (!counted.length) return { stored: 0, counted: 0 };
  o.onCounted?.(counted);

  const perProject = new Map<string, { hour: Date; project: string; scanType: RollupScanType; a: Agg }>();
  const fleet = new Map<string, { hour: Date; scanType: RollupScanType; a: Agg }>();
  for (const r of counted) {
    const started = new Date(r.startedAt);
    const hour = hourOf(started);
    const scanType = rollupScanType(r);
    const project = r.kind === 'rebuild' ? '' : (r.project ?? '');
    const pk = `${hour.getTime()}|${project}|${scanType}`;
    const fk = `${hour.getTime()}|${scanType}`;
    let p = perProject.get(pk);
    if (!p) perProject.set(pk, (p = { hour, project, scanType, a: emptyAgg() }));
    addRun(p.a, r);
    let f = fleet.get(fk);
    if (!f) fleet.set(fk, (f = { hour, scanType, a: emptyAgg() }));
    addRun(f.a, r);
  }
  // Fixed key order: concurrent collectors lock the shared fleet rows in the same order (no deadlock).
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  await upsertProjectRollups(tx, byKey(perProject).map((x) => ({ tenantId, hour: x.hour, project: x.project, scanType: x.scanType, ...x.a })));
  await upsertFleetRollups(tx, byKey(fleet).map((x) => ({ hour: x.hour, scanType: x.scanType, ...x.a })));

  // Latest state per project.
  const states = new Map<string, typeof syncProjectStates.$inferInsert>();
  for (const r of counted) {
    if (r.kind !== 'sync' || !r.project) continue;
    const started = new Date(r.startedAt);
    const s = states.get(r.project);
    const ok = r.status === 'ok';
    if (!s) {
      states.set(r.project, {
        tenantId, project: r.project, lastRunId: r.runId, lastRunAt: started, lastStatus: r.status, lastScanType: r.scanType ?? null,
        lastDurationMs: r.durationMs, lastSkippedCount: r.skippedCount ?? 0, lastErrorCount: r.errorCount ?? 0,
        lastOkAt: ok ? started : null, lastFailedAt: ok ? null : started,
      });
      continue;
    }
    if (ok && (!s.lastOkAt || started > s.lastOkAt)) s.lastOkAt = started;
    if (!ok && (!s.lastFailedAt || started > s.lastFailedAt)) s.lastFailedAt = started;
    if (started >= (s.lastRunAt as Date)) {
      Object.assign(s, { lastRunId: r.runId, lastRunAt: started, lastStatus: r.status, lastScanType: r.scanType ?? null, lastDurationMs: r.durationMs, lastSkippedCount: r.skippedCount ?? 0, lastErrorCount: r.errorCount ?? 0 });
    }
  }
  if (states.size) {
    const newer = (col: string) => sql.raw(`case when excluded.last_run_at >= sync_project_states.last_run_at then excluded.${col} else sync_project_states.${col} end`);
    await tx.insert(syncProjectStates).values([...states.values()].sort((a, b) => (a.project < b.project ? -1 : 1)))
      .onConflictDoUpdate({
        target: [syncProjectStates.tenantId, syncProjectStates.project],
        set: {
          lastRunId: newer('last_run_id'), lastStatus: newer('last_status'), lastScanType: newer('last_scan_type'),
          lastDurationMs: newer('last_duration_ms'), lastSkippedCount: newer('last_skipped_count'), lastErrorCount: newer('last_error_count'),
          lastRunAt: sql.raw('greatest(sync_project_states.last_run_at, excluded.last_run_at)'),
          lastOkAt: sql.raw('greatest(sync_project_states.last_ok_at, excluded.last_ok_at)'),
          lastFailedAt: sql.raw('greatest(sync_project_states.last_failed_at, excluded.last_failed_at)'),
          updatedAt: sql`now()`,
        },
      });
  }
  return { stored: counted.length - late.length, counted: counted.length };
}
