// Sync history collected from tenants (sync_runs): queries for the ops and project views.
// Every function takes the db first; tenant-scoped ones take the tenant id of the caller.
import { and, desc, eq, isNotNull, lt, max, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { builtOnce } from '../queryable.ts';
import { syncProjectStates, syncRuns, tenants, type SyncRunRow } from '../schema.ts';
import { rollupPercentiles, rollupSeries, type ScanTypePercentiles } from './sync-rollups.ts';

/** A run without its per-file lists and bookkeeping: what every list, table and chart drill-down shows. */
export type SyncRunView = Omit<SyncRunRow, 'errors' | 'skippedFiles' | 'warnings' | 'changes' | 'instanceId' | 'collectedAt' | 'changed'>;

/** The columns of a SyncRunView, for `db.select(syncRunViewColumns)`. */
export const syncRunViewColumns = {
  tenantId: syncRuns.tenantId, runId: syncRuns.runId, kind: syncRuns.kind, project: syncRuns.project, trigger: syncRuns.trigger,
  scanType: syncRuns.scanType, status: syncRuns.status, mode: syncRuns.mode, startedAt: syncRuns.startedAt, finishedAt: syncRuns.finishedAt,
  durationMs: syncRuns.durationMs, scanMs: syncRuns.scanMs, applyMs: syncRuns.applyMs, filesScanned: syncRuns.filesScanned,
  newCount: syncRuns.newCount, modifiedCount: syncRuns.modifiedCount, deletedCount: syncRuns.deletedCount, movedCount: syncRuns.movedCount,
  skippedCount: syncRuns.skippedCount, errorCount: syncRuns.errorCount, peakRssBytes: syncRuns.peakRssBytes,
} satisfies Record<keyof SyncRunView, unknown>;

export interface TimeRange { from: Date; to: Date }
const clampLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 50, 1), 1000);

/** The most recent sync run of each project of a tenant (rebuild records excluded). */
export async function latestRunPerProject(db: Database, tenantId: string): Promise<SyncRunView[]> {
  // DISTINCT ON: the newest row per project.
  return db.selectDistinctOn([syncRuns.project], syncRunViewColumns).from(syncRuns)
    .where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.kind, 'sync'), isNotNull(syncRuns.project)))
    .orderBy(syncRuns.project, desc(syncRuns.startedAt), desc(syncRuns.runId));
}

const syncRunsQuery = builtOnce((db, scope: 'tenant' | 'project') => db.select(syncRunViewColumns).from(syncRuns)
  .where(and(eq(syncRuns.tenantId, sql.placeholder('tenantId')), scope === 'project' ? eq(syncRuns.project, sql.placeholder('project')) : undefined))
  .orderBy(desc(syncRuns.startedAt), desc(syncRuns.runId)).limit(sql.placeholder('limit')).prepare(`sync_runs_${scope}`));

/** A tenant's runs, newest first (optionally one project). */
export async function listSyncRuns(db: Database, tenantId: string, opts: { project?: string; limit?: number } = {}): Promise<SyncRunView[]> {
  return syncRunsQuery(db, opts.project ? 'project' : 'tenant').execute({ tenantId, project: opts.project, limit: clampLimit(opts.limit) });
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

const rebuildsQuery = builtOnce((db, scope: 'fleet' | 'tenant') => db.select(syncRunViewColumns).from(syncRuns)
  .where(and(eq(syncRuns.kind, 'rebuild'), scope === 'tenant' ? eq(syncRuns.tenantId, sql.placeholder('tenantId')) : undefined))
  .orderBy(desc(syncRuns.startedAt), desc(syncRuns.runId)).limit(sql.placeholder('limit')).prepare(`rebuilds_${scope}`));

/** Index rebuilds, newest first (all tenants unless `tenantId`). */
export async function rebuildHistory(db: Database, opts: { tenantId?: string; limit?: number } = {}): Promise<SyncRunView[]> {
  return rebuildsQuery(db, opts.tenantId ? 'tenant' : 'fleet').execute({ tenantId: opts.tenantId, limit: clampLimit(opts.limit) });
}

export interface StaleTenant { tenantId: string; name: string; status: string; lastOkAt: Date | null; lastRunAt: Date | null }

/**
 * Tenants that should be running whose last successful sync (any project) is older than
 * `olderThanMs` before `now`, or that never had one and exist longer than that. Read from the
 * per-project latest state kept at collection (raw runs may be past their retention).
 */
export async function staleTenants(db: Database, opts: { olderThanMs: number; now?: Date }): Promise<StaleTenant[]> {
  const before = new Date((opts.now ?? new Date()).getTime() - opts.olderThanMs);
  const last = db.$with('last').as(db.select({
    tenantId: syncProjectStates.tenantId,
    lastOkAt: max(syncProjectStates.lastOkAt).as('last_ok_at'),
    lastRunAt: max(syncProjectStates.lastRunAt).as('last_run_at'),
  }).from(syncProjectStates).groupBy(syncProjectStates.tenantId));
  return db.with(last).select({ tenantId: tenants.id, name: tenants.name, status: tenants.status, lastOkAt: last.lastOkAt, lastRunAt: last.lastRunAt })
    .from(tenants).leftJoin(last, eq(last.tenantId, tenants.id))
    .where(and(eq(tenants.desiredState, 'running'), lt(sql`coalesce(${last.lastOkAt}, ${tenants.createdAt})`, sql.param(before, tenants.createdAt))))
    .orderBy(sql`${last.lastOkAt} nulls first`, tenants.id);
}
