// Project-level time series for the charts: runs per bucket × scan type (with failures), duration
// p50/p95 per scan type per bucket, files scanned per bucket. Buckets come from the range (5 min for an
// hour … 1 day for 30 days). Buckets of 5 minutes read raw sync_runs (the range is inside every raw
// retention); buckets of an hour or more read the hourly roll-ups, which count every run whatever its raw
// retention — an hour's counts land in the bucket holding the hour's start, and p50/p95 come from the
// roll-ups' log-spaced histograms (within ±2.5 %, lib/history/duration-histogram.ts).
import { and, count, eq, gte, isNotNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { syncRunRollups, syncRuns } from '../schema.ts';
import { builtOnce, dateOf, sumOf } from '../queryable.ts';
import { histogramPercentile, type Histogram } from '../../history/duration-histogram.ts';

export interface SeriesRange { from: Date; to: Date }

/** Bucket width in seconds for a range: ~12–48 buckets whatever the range. */
function bucketSecondsFor(range: SeriesRange): number {
  const span = (range.to.getTime() - range.from.getTime()) / 1000;
  if (span <= 2 * 3600) return 300;
  if (span <= 2 * 86400) return 3600;
  if (span <= 8 * 86400) return 6 * 3600;
  return 86400;
}

/** Whether a series covers one project or all of a tenant's. */
type ProjectScope = 'project' | 'all';
const projectScopeOf = (project: string | undefined): ProjectScope => (project !== undefined ? 'project' : 'all');

// Each series is built once per database and variant (`builtOnce`); the values are placeholders filled by `valuesOf`.
const tenantId = sql.placeholder('tenantId'), project = sql.placeholder('project'), from = sql.placeholder('from'), to = sql.placeholder('to');
const seconds = sql.placeholder('seconds'), origin = sql.placeholder('origin');
const valuesOf = (tenant: string, projectName: string | undefined, range: SeriesRange, bucketSeconds: number) => ({
  tenantId: tenant, project: projectName, from: range.from.toISOString(), to: range.to.toISOString(), seconds: `${bucketSeconds} seconds`, origin: range.from.toISOString(),
});

function scope(p: ProjectScope): SQL {
  return and(
    eq(syncRuns.tenantId, tenantId), eq(syncRuns.kind, 'sync'),
    p === 'project' ? eq(syncRuns.project, project) : isNotNull(syncRuns.project),
    gte(syncRuns.startedAt, from), lt(syncRuns.startedAt, to),
  )!;
}

// date_bin has no builder form; the origin is the range start so buckets line up with the axis.
// Grouped by position: the bound parameters of a repeated expression would not match the select list's.
const bucketOf = sql<Date>`date_bin(${seconds}::interval, ${syncRuns.startedAt}, ${origin}::timestamptz)`.mapWith(dateOf);
/** A sync whose scan type was not recorded is charted as `unknown`. */
const scanTypeOf = sql<string>`coalesce(${syncRuns.scanType}::text, 'unknown')`;

/** Buckets of an hour or more come from the roll-ups. */
const fromRollups = (bucketSeconds: number) => bucketSeconds >= 3600;

function rollupScope(p: ProjectScope): SQL {
  return and(
    eq(syncRunRollups.tenantId, tenantId), ne(syncRunRollups.scanType, 'rebuild'), p === 'project' ? eq(syncRunRollups.project, project) : ne(syncRunRollups.project, ''),
    gte(syncRunRollups.hour, sql`date_trunc('hour', ${from}::timestamptz)`), lt(syncRunRollups.hour, to),
  )!;
}
const rollupBin = sql<Date>`date_bin(${seconds}::interval, greatest(${syncRunRollups.hour}, ${origin}::timestamptz), ${origin}::timestamptz)`.mapWith(dateOf);

export interface RunsBucket { bucket: Date; scanType: string; runs: number; failed: number }

const runsFromRollups = builtOnce((db, p: ProjectScope) => db.select({ bucket: rollupBin, scanType: syncRunRollups.scanType, runs: sumOf(syncRunRollups.runs), failed: sumOf(syncRunRollups.failed) })
  .from(syncRunRollups).where(rollupScope(p)).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`).prepare(`runs_per_bucket_rollups_${p}`));
const runsFromRaw = builtOnce((db, p: ProjectScope) => db.select({
  bucket: bucketOf, scanType: scanTypeOf, runs: count(), failed: sql<number>`count(*) filter (where ${syncRuns.status} <> 'ok')`.mapWith(Number),
}).from(syncRuns).where(scope(p)).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`).prepare(`runs_per_bucket_raw_${p}`));

export async function runsPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: RunsBucket[] }> {
  const s = bucketSecondsFor(range);
  const values = valuesOf(tenantId, project, range, s);
  const rows = fromRollups(s) ? await runsFromRollups(db, projectScopeOf(project)).execute(values) : await runsFromRaw(db, projectScopeOf(project)).execute(values);
  return { bucketSeconds: s, rows };
}

export interface DurationBucket { bucket: Date; scanType: string; p50Ms: number; p95Ms: number; runs: number }

const durationCountsFromRollups = builtOnce((db, p: ProjectScope) => {
  // jsonb_each_text is a set-returning function in FROM: the builder has no form for it.
  const h = sql`h`;
  // Columns as sql: a FROM written as sql is not a table the builder knows.
  return db.select({ bucket: rollupBin, scanType: sql<string>`${syncRunRollups.scanType}`, key: sql<string>`${h}.key`, n: sql<number>`sum(${h}.value::bigint)`.mapWith(Number) })
    .from(sql`${syncRunRollups}, jsonb_each_text(${syncRunRollups.histogram}) as ${h}`).where(rollupScope(p)).groupBy(sql`1`, sql`2`, sql`3`)
    .prepare(`duration_per_bucket_rollups_${p}`);
});
const durationFromRaw = builtOnce((db, p: ProjectScope) => db.select({
  bucket: bucketOf, scanType: scanTypeOf, runs: count(),
  p50Ms: sql<number>`percentile_cont(0.5) within group (order by ${syncRuns.durationMs})`.mapWith(Number),
  p95Ms: sql<number>`percentile_cont(0.95) within group (order by ${syncRuns.durationMs})`.mapWith(Number),
}).from(syncRuns).where(scope(p)).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`).prepare(`duration_per_bucket_raw_${p}`));

export async function durationPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: DurationBucket[] }> {
  const s = bucketSecondsFor(range);
  const values = valuesOf(tenantId, project, range, s);
  if (fromRollups(s)) {
    const counts = await durationCountsFromRollups(db, projectScopeOf(project)).execute(values);
    const acc = new Map<string, { bucket: Date; scanType: string; h: Histogram; runs: number }>();
    for (const x of counts) {
      const key = `${x.bucket.getTime()}|${x.scanType}`;
      const a = acc.get(key) ?? { bucket: x.bucket, scanType: x.scanType, h: {}, runs: 0 };
      a.h[x.key] = x.n;
      a.runs += x.n;
      acc.set(key, a);
    }
    const rows = [...acc.values()].sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || (a.scanType < b.scanType ? -1 : 1))
      .map((a) => ({ bucket: a.bucket, scanType: a.scanType, runs: a.runs, p50Ms: histogramPercentile(a.h, 0.5) ?? 0, p95Ms: histogramPercentile(a.h, 0.95) ?? 0 }));
    return { bucketSeconds: s, rows };
  }
  return { bucketSeconds: s, rows: await durationFromRaw(db, projectScopeOf(project)).execute(values) };
}

export interface FilesBucket { bucket: Date; filesScanned: number; runs: number }

const filesFromRollups = builtOnce((db, p: ProjectScope) => db.select({ bucket: rollupBin, filesScanned: sumOf(syncRunRollups.filesScanned), runs: sumOf(syncRunRollups.runs) })
  .from(syncRunRollups).where(rollupScope(p)).groupBy(sql`1`).orderBy(sql`1`).prepare(`files_per_bucket_rollups_${p}`));
const filesFromRaw = builtOnce((db, p: ProjectScope) => db.select({
  bucket: bucketOf, filesScanned: sql<number>`coalesce(sum(${syncRuns.filesScanned}), 0)`.mapWith(Number), runs: count(),
}).from(syncRuns).where(scope(p)).groupBy(sql`1`).orderBy(sql`1`).prepare(`files_per_bucket_raw_${p}`));

export async function filesScannedPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: FilesBucket[] }> {
  const s = bucketSecondsFor(range);
  const values = valuesOf(tenantId, project, range, s);
  const rows = fromRollups(s) ? await filesFromRollups(db, projectScopeOf(project)).execute(values) : await filesFromRaw(db, projectScopeOf(project)).execute(values);
  return { bucketSeconds: s, rows };
}
