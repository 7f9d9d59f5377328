// Sync history collected from tenants (sync_runs): queries for the ops and project views.
// Every function takes the db first; tenant-scoped ones take the tenant id of the caller.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { RunKind } from '../../../tenant/src/sync/run-vocabulary.ts';
import { rowsOf, toDate } from '../queryable.ts';
import { rollupPercentiles, rollupSeries, type ScanTypePercentiles } from './sync-rollups.ts';

export interface SyncRunView {
  tenantId: string;
  runId: string;
  kind: RunKind;
  project: string | null;
  trigger: string;
  scanType: string | null;
  status: string;
  mode: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number;
  scanMs: number;
  applyMs: number;
  filesScanned: number;
  newCount: number;
  modifiedCount: number;
  deletedCount: number;
  movedCount: number;
  skippedCount: number;
  errorCount: number;
  peakRssBytes: number | null;
}

const COLS = sql`tenant_id, run_id, kind, project, trigger, scan_type, status, mode, started_at, finished_at, duration_ms, scan_ms, apply_ms,
  files_scanned, new_count, modified_count, deleted_count, moved_count, skipped_count, error_count, peak_rss_bytes`;

function toView(x: Record<string, unknown>): SyncRunView {
  return {
    tenantId: String(x.tenant_id), runId: String(x.run_id), kind: x.kind as RunKind, project: (x.project as string) ?? null,
    trigger: String(x.trigger), scanType: (x.scan_type as string) ?? null, status: String(x.status), mode: (x.mode as string) ?? null,
    startedAt: toDate(x.started_at as string), finishedAt: toDate(x.finished_at as string | null), durationMs: Number(x.duration_ms),
    scanMs: Number(x.scan_ms), applyMs: Number(x.apply_ms), filesScanned: Number(x.files_scanned), newCount: Number(x.new_count),
    modifiedCount: Number(x.modified_count), deletedCount: Number(x.deleted_count), movedCount: Number(x.moved_count),
    skippedCount: Number(x.skipped_count), errorCount: Number(x.error_count), peakRssBytes: x.peak_rss_bytes == null ? null : Number(x.peak_rss_bytes),
  };
}

export interface TimeRange { from: Date; to: Date }
const tenantFilter = (tenantId?: string): SQL => (tenantId ? sql` and tenant_id = ${tenantId}` : sql``);

/** The most recent sync run of each project of a tenant (rebuild records excluded). */
export async function latestRunPerProject(db: Database, tenantId: string): Promise<SyncRunView[]> {
  const r = await db.execute(sql`
    select distinct on (project) ${COLS} from sync_runs
    where tenant_id = ${tenantId} and kind = 'sync' and project is not null
    order by project, started_at desc, run_id desc`);
  return rowsOf<Record<string, unknown>>(r).map(toView);
}

/** A tenant's runs, newest first (optionally one project). */
export async function listSyncRuns(db: Database, tenantId: string, opts: { project?: string; limit?: number } = {}): Promise<SyncRunView[]> {
  const r = await db.execute(sql`
    select ${COLS} from sync_runs where tenant_id = ${tenantId}
    ${opts.project ? sql` and project = ${opts.project}` : sql``}
    order by started_at desc, run_id desc limit ${Math.min(Math.max(opts.limit ?? 50, 1), 1000)}`);
  return rowsOf<Record<string, unknown>>(r).map(toView);
}

export interface ScanTypeBucket { bucket: Date; scanType: string; runs: number; failed: number; files: number }

/**
 * Sync runs per scan type over a time range, in time buckets (`hour` or `day`), for a stacked
 * "runs per scan type" chart. All tenants unless `tenantId` is given. Read from the hourly roll-ups
 * (every collected run, whatever its raw retention); rebuilds are not sync runs and are left out.
 */
export async function runsPerScanType(db: Database, range: TimeRange, opts: { bucket?: 'hour' | 'day'; tenantId?: string } = {}): Promise<ScanTypeBucket[]> {
  const rows = await rollupSeries(db, range, { bucket: opts.bucket, tenantId: opts.tenantId });
  return rows.filter((x) => x.scanType !== 'rebuild').map((x) => ({ bucket: x.bucket, scanType: x.scanType, runs: x.runs, failed: x.failed, files: x.files }));
}

export type DurationPercentiles = ScanTypePercentiles;

/** Duration percentiles per scan type (rebuilds as scan type `rebuild`), from the roll-ups' histograms: approximate, error stated. */
export async function durationPercentiles(db: Database, range: TimeRange, opts: { tenantId?: string; project?: string } = {}): Promise<DurationPercentiles[]> {
  return rollupPercentiles(db, range, opts);
}

/** Index rebuilds, newest first (all tenants unless `tenantId`). */
export async function rebuildHistory(db: Database, opts: { tenantId?: string; limit?: number } = {}): Promise<SyncRunView[]> {
  const r = await db.execute(sql`
    select ${COLS} from sync_runs where kind = 'rebuild' ${tenantFilter(opts.tenantId)}
    order by started_at desc, run_id desc limit ${Math.min(Math.max(opts.limit ?? 50, 1), 1000)}`);
  return rowsOf<Record<string, unknown>>(r).map(toView);
}

export interface StaleTenant { tenantId: string; name: string; status: string; lastOkAt: Date | null; lastRunAt: Date | null }

/**
 * Tenants that should be running whose last successful sync (any project) is older than
 * `olderThanMs` before `now`, or that never had one and exist longer than that. Read from the
 * per-project latest state kept at collection (raw runs may be past their retention).
 */
export async function staleTenants(db: Database, opts: { olderThanMs: number; now?: Date }): Promise<StaleTenant[]> {
  const now = (opts.now ?? new Date()).toISOString();
  const r = await db.execute(sql`
    with last as (
      select tenant_id, max(last_ok_at) as last_ok_at, max(last_run_at) as last_run_at
      from sync_project_states group by tenant_id
    )
    select t.id, t.name, t.status, last.last_ok_at, last.last_run_at
    from tenants t left join last on last.tenant_id = t.id
    where t.desired_state = 'running'
      and coalesce(last.last_ok_at, t.created_at) < ${now}::timestamptz - ${opts.olderThanMs} * interval '1 millisecond'
    order by last.last_ok_at nulls first, t.id`);
  return rowsOf<Record<string, unknown>>(r).map((x) => ({
    tenantId: String(x.id), name: String(x.name), status: String(x.status),
    lastOkAt: toDate(x.last_ok_at as string | null), lastRunAt: toDate(x.last_run_at as string | null),
  }));
}
