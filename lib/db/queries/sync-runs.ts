// Sync history collected from tenants (sync_runs): queries for the ops and project views.
// Every function takes the db first; tenant-scoped ones take the tenant id of the caller.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { rowsOf } from './tenants-runtime.ts';

export interface SyncRunView {
  tenantId: string;
  runId: string;
  kind: 'sync' | 'rebuild';
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

const d = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
function toView(x: Record<string, unknown>): SyncRunView {
  return {
    tenantId: String(x.tenant_id), runId: String(x.run_id), kind: x.kind as 'sync' | 'rebuild', project: (x.project as string) ?? null,
    trigger: String(x.trigger), scanType: (x.scan_type as string) ?? null, status: String(x.status), mode: (x.mode as string) ?? null,
    startedAt: d(x.started_at), finishedAt: x.finished_at == null ? null : d(x.finished_at), durationMs: Number(x.duration_ms),
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
 * "runs per scan type" chart. All tenants unless `tenantId` is given.
 */
export async function runsPerScanType(db: Database, range: TimeRange, opts: { bucket?: 'hour' | 'day'; tenantId?: string } = {}): Promise<ScanTypeBucket[]> {
  const unit = opts.bucket === 'day' ? 'day' : 'hour';
  const r = await db.execute(sql`
    select date_trunc(${unit}, started_at) as bucket, coalesce(scan_type, 'unknown') as scan_type,
           count(*)::int as runs, count(*) filter (where status <> 'ok')::int as failed, coalesce(sum(files_scanned), 0)::bigint as files
    from sync_runs
    where kind = 'sync' and started_at >= ${range.from.toISOString()}::timestamptz and started_at < ${range.to.toISOString()}::timestamptz
    ${tenantFilter(opts.tenantId)}
    group by 1, 2 order by 1, 2`);
  return rowsOf<Record<string, unknown>>(r).map((x) => ({
    bucket: d(x.bucket), scanType: String(x.scan_type), runs: Number(x.runs), failed: Number(x.failed), files: Number(x.files),
  }));
}

export interface DurationPercentiles { scanType: string; runs: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number }

/** Duration percentiles per scan type (`percentile_cont`), rebuilds reported as scan type `rebuild`. */
export async function durationPercentiles(db: Database, range: TimeRange, opts: { tenantId?: string } = {}): Promise<DurationPercentiles[]> {
  const r = await db.execute(sql`
    select case when kind = 'rebuild' then 'rebuild' else coalesce(scan_type, 'unknown') end as scan_type,
           count(*)::int as runs,
           percentile_cont(0.5) within group (order by duration_ms) as p50,
           percentile_cont(0.95) within group (order by duration_ms) as p95,
           percentile_cont(0.99) within group (order by duration_ms) as p99,
           max(duration_ms) as max
    from sync_runs
    where started_at >= ${range.from.toISOString()}::timestamptz and started_at < ${range.to.toISOString()}::timestamptz
    ${tenantFilter(opts.tenantId)}
    group by 1 order by 1`);
  return rowsOf<Record<string, unknown>>(r).map((x) => ({
    scanType: String(x.scan_type), runs: Number(x.runs), p50Ms: Number(x.p50), p95Ms: Number(x.p95), p99Ms: Number(x.p99), maxMs: Number(x.max),
  }));
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
 * `olderThanMs` before `now`, or that never had one and exist longer than that.
 */
export async function staleTenants(db: Database, opts: { olderThanMs: number; now?: Date }): Promise<StaleTenant[]> {
  const now = (opts.now ?? new Date()).toISOString();
  const r = await db.execute(sql`
    with last as (
      select tenant_id, max(started_at) filter (where status = 'ok') as last_ok_at, max(started_at) as last_run_at
      from sync_runs where kind = 'sync' group by tenant_id
    )
    select t.id, t.name, t.status, last.last_ok_at, last.last_run_at
    from tenants t left join last on last.tenant_id = t.id
    where t.desired_state = 'running'
      and coalesce(last.last_ok_at, t.created_at) < ${now}::timestamptz - ${opts.olderThanMs} * interval '1 millisecond'
    order by last.last_ok_at nulls first, t.id`);
  return rowsOf<Record<string, unknown>>(r).map((x) => ({
    tenantId: String(x.id), name: String(x.name), status: String(x.status),
    lastOkAt: x.last_ok_at == null ? null : d(x.last_ok_at), lastRunAt: x.last_run_at == null ? null : d(x.last_run_at),
  }));
}
