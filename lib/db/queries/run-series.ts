// Project-level time series over sync_runs for the charts: runs per bucket × scan type (with failures),
// duration p50/p95 per scan type per bucket, files scanned per bucket. Buckets come from the range
// (5 min for an hour … 1 day for 30 days). Reads raw rows; roll-ups can replace the source later.
import { and, count, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { syncRuns } from '../schema.ts';

export interface SeriesRange { from: Date; to: Date }

/** Bucket width in seconds for a range: ~12–48 buckets whatever the range. */
export function bucketSecondsFor(range: SeriesRange): number {
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
const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

export interface RunsBucket { bucket: Date; scanType: string; runs: number; failed: number }

export async function runsPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: RunsBucket[] }> {
  const s = bucketSecondsFor(range);
  const b = bucketOf(s, range.from);
  const st = sql<string>`coalesce(${syncRuns.scanType}, 'unknown')`;
  const rows = await db.select({ bucket: b, scanType: st, runs: count(), failed: sql<number>`count(*) filter (where ${syncRuns.status} <> 'ok')` })
    .from(syncRuns).where(scope(tenantId, project, range)).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`);
  return { bucketSeconds: s, rows: rows.map((r) => ({ bucket: toDate(r.bucket), scanType: r.scanType, runs: Number(r.runs), failed: Number(r.failed) })) };
}

export interface DurationBucket { bucket: Date; scanType: string; p50Ms: number; p95Ms: number; runs: number }

export async function durationPerBucket(db: Database, tenantId: string, project: string | undefined, range: SeriesRange): Promise<{ bucketSeconds: number; rows: DurationBucket[] }> {
  const s = bucketSecondsFor(range);
  const b = bucketOf(s, range.from);
  const st = sql<string>`coalesce(${syncRuns.scanType}, 'unknown')`;
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
  const b = bucketOf(s, range.from);
  const rows = await db.select({ bucket: b, files: sql<number>`coalesce(sum(${syncRuns.filesScanned}), 0)`, runs: count() })
    .from(syncRuns).where(scope(tenantId, project, range)).groupBy(sql`1`).orderBy(sql`1`);
  return { bucketSeconds: s, rows: rows.map((r) => ({ bucket: toDate(r.bucket), filesScanned: Number(r.files), runs: Number(r.runs) })) };
}
