// Project-level time series for the charts: runs per bucket × scan type (with failures), duration
// p50/p95 per scan type per bucket, files scanned per bucket. Buckets come from the range (5 min for an
// hour … 1 day for 30 days). Buckets of 5 minutes read raw sync_runs (the range is inside every raw
// retention); buckets of an hour or more read the hourly roll-ups, which count every run whatever its raw
// retention — an hour's counts land in the bucket holding the hour's start, and p50/p95 come from the
// roll-ups' log-spaced histograms (within ±2.5 %, lib/history/duration-histogram.ts).
import { and, count, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { syncRuns } from '../schema.ts';
import { rowsOf, toDate } from '../queryable.ts';
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

function scope(tenantId: string, project: string | undefined, range: SeriesRange): SQL {
  return and(
    eq(syncRuns.tenantId, tenantId), eq(syncRuns.kind, 'sync'),
    project !== undefined ? eq(syncRuns.project, project) : isNotNull(syncRuns.project),
    gte(syncRuns.startedAt, range.from), lt(syncRuns.startedAt, range.to),
  )!;
}

// date_bin has no builder form; the origin is the range start so buckets line up with the axis.
// Grouped by position: the bound parameters of a repeated expression would not match the select list's.
const bucketOf = (seconds: number, origin: Date) =>
  sql<Date | string>`date_bin(${`${seconds} seconds`}::interval, ${syncRuns.startedAt}, ${origin.toISOString()}::timestamptz)`;

/** Buckets of an hour or more come from the roll-ups. */
const fromRollups = (bucketSeconds: number) => bucketSeconds >= 3600;

function rollupScope(tenantId: string, project: string | undefined, range: SeriesRange): SQL {
  return sql`tenant_id = ${tenantId} and scan_type <> 'rebuild' and ${project !== undefined ? sql`project = ${project}` : sql`project <> ''`}
    and hour >= date_trunc('hour', ${range.from.toISOString()}::timestamptz) and hour < ${range.to.toISOString()}::timestamptz`;
}
const rollupBin = (seconds: number, origin: Date) =>
  sql`date_bin(${`${seconds} seconds`}::interval, greatest(hour, ${origin.toISOString()}::timestamptz), ${origin.toISOString()}::timestamptz)`;

export interface RunsBucket { bucket: Date; scanType: string; runs: number; failed: number }

export async function runsPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: RunsBucket[] }> {
  const s = bucketSecondsFor(range);
  if (fromRollups(s)) {
    const r = await db.execute(sql`select ${rollupBin(s, range.from)} as bucket, scan_type, sum(runs)::bigint as runs, sum(failed)::bigint as failed
      from sync_run_rollups where ${rollupScope(tenantId, project, range)} group by 1, 2 order by 1, 2`);
    return { bucketSeconds: s, rows: rowsOf<Record<string, unknown>>(r).map((x) => ({ bucket: toDate(x.bucket as string), scanType: String(x.scan_type), runs: Number(x.runs), failed: Number(x.failed) })) };
  }
  const b = bucketOf(s, range.from);
  const st = sql<string>`coalesce(${syncRuns.scanType}::text, 'unknown')`;
  const rows = await db.select({ bucket: b, scanType: st, runs: count(), failed: sql<number>`count(*) filter (where ${syncRuns.status} <> 'ok')` })
    .from(syncRuns).where(scope(tenantId, project, range)).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`);
  return { bucketSeconds: s, rows: rows.map((r) => ({ bucket: toDate(r.bucket), scanType: r.scanType, runs: Number(r.runs), failed: Number(r.failed) })) };
}

export interface DurationBucket { bucket: Date; scanType: string; p50Ms: number; p95Ms: number; runs: number }

export async function durationPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: DurationBucket[] }> {
  const s = bucketSecondsFor(range);
  if (fromRollups(s)) {
    const r = await db.execute(sql`select ${rollupBin(s, range.from)} as bucket, scan_type, h.key as k, sum(h.value::bigint)::bigint as n
      from sync_run_rollups, jsonb_each_text(histogram) h where ${rollupScope(tenantId, project, range)} group by 1, 2, 3`);
    const acc = new Map<string, { bucket: Date; scanType: string; h: Histogram; runs: number }>();
    for (const x of rowsOf<Record<string, unknown>>(r)) {
      const bucket = toDate(x.bucket as string);
      const key = `${bucket.getTime()}|${x.scan_type}`;
      const a = acc.get(key) ?? { bucket, scanType: String(x.scan_type), h: {}, runs: 0 };
      a.h[String(x.k)] = Number(x.n);
      a.runs += Number(x.n);
      acc.set(key, a);
    }
    const rows = [...acc.values()].sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || (a.scanType < b.scanType ? -1 : 1))
      .map((a) => ({ bucket: a.bucket, scanType: a.scanType, runs: a.runs, p50Ms: histogramPercentile(a.h, 0.5) ?? 0, p95Ms: histogramPercentile(a.h, 0.95) ?? 0 }));
    return { bucketSeconds: s, rows };
  }
  const b = bucketOf(s, range.from);
  const st = sql<string>`coalesce(${syncRuns.scanType}::text, 'unknown')`;
  const rows = await db.select({
    bucket: b, scanType: st, runs: count(),
    p50: sql<number>`percentile_cont(0.5) within group (order by ${syncRuns.durationMs})`,
    p95: sql<number>`percentile_cont(0.95) within group (order by ${syncRuns.durationMs})`,
  }).from(syncRuns).where(scope(tenantId, project, range)).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`);
  return { bucketSeconds: s, rows: rows.map((r) => ({ bucket: toDate(r.bucket), scanType: r.scanType, runs: Number(r.runs), p50Ms: Number(r.p50), p95Ms: Number(r.p95) })) };
}

export interface FilesBucket { bucket: Date; filesScanned: number; runs: number }

export async function filesScannedPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: FilesBucket[] }> {
  const s = bucketSecondsFor(range);
  if (fromRollups(s)) {
    const r = await db.execute(sql`select ${rollupBin(s, range.from)} as bucket, sum(files_scanned)::bigint as files, sum(runs)::bigint as runs
      from sync_run_rollups where ${rollupScope(tenantId, project, range)} group by 1 order by 1`);
    return { bucketSeconds: s, rows: rowsOf<Record<string, unknown>>(r).map((x) => ({ bucket: toDate(x.bucket as string), filesScanned: Number(x.files), runs: Number(x.runs) })) };
  }
  const b = bucketOf(s, range.from);
  const rows = await db.select({ bucket: b, files: sql<number>`coalesce(sum(${syncRuns.filesScanned}), 0)`, runs: count() })
    .from(syncRuns).where(scope(tenantId, project, range)).groupBy(sql`1`).orderBy(sql`1`);
  return { bucketSeconds: s, rows: rows.map((r) => ({ bucket: toDate(r.bucket), filesScanned: Number(r.files), runs: Number(r.runs) })) };
}
