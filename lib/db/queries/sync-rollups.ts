// Reads of the hourly roll-ups (sync_run_rollups per tenant/project/scan type, sync_fleet_rollups
// fleet-wide). Every collected run is counted in them exactly once when it is stored, so counts and
// percentiles over any range come from here; raw sync_runs only serve lists and drill-downs.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { rowsOf, toDate } from '../queryable.ts';
import { HISTOGRAM_RELATIVE_ERROR, histogramPercentile, type Histogram } from '../../history/duration-histogram.ts';

export interface TimeRange { from: Date; to: Date }
export type BucketUnit = 'hour' | 'day';

export interface RollupScope {
  /** One tenant (else the whole fleet, from the fleet table). */
  tenantId?: string;
  /** One project of that tenant. */
  project?: string;
}

export interface RollupSeriesPoint {
  bucket: Date;
  scanType: string;
  runs: number;
  failed: number;
  changed: number;
  files: number;
  durationSumMs: number;
  durationMaxMs: number;
}

const iso = (x: Date) => x.toISOString();

function source(scope: RollupScope): SQL {
  if (!scope.tenantId) return sql`sync_fleet_rollups`;
  return sql`(select * from sync_run_rollups where tenant_id = ${scope.tenantId}${scope.project != null ? sql` and project = ${scope.project}` : sql``}) r`;
}

/** Runs, failures, changed runs and files per scan type per hour or day over a range (rebuilds as `rebuild`). */
export async function rollupSeries(db: Database, range: TimeRange, opts: RollupScope & { bucket?: BucketUnit } = {}): Promise<RollupSeriesPoint[]> {
  const unit = opts.bucket === 'day' ? 'day' : 'hour';
  const r = await db.execute(sql`
    select date_trunc(${unit}, hour) as bucket, scan_type, sum(runs)::bigint as runs, sum(failed)::bigint as failed, sum(changed)::bigint as changed,
           sum(files_scanned)::bigint as files, sum(duration_sum_ms)::bigint as duration_sum, max(duration_max_ms) as duration_max
    from ${source(opts)}
    where hour >= ${iso(range.from)}::timestamptz and hour < ${iso(range.to)}::timestamptz
    group by 1, 2 order by 1, 2`);
  return rowsOf<Record<string, unknown>>(r).map((x) => ({
    bucket: toDate(x.bucket as string), scanType: String(x.scan_type), runs: Number(x.runs), failed: Number(x.failed), changed: Number(x.changed),
    files: Number(x.files), durationSumMs: Number(x.duration_sum), durationMaxMs: Number(x.duration_max),
  }));
}

export interface ScanTypePercentiles {
  scanType: string;
  runs: number;
  failed: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Percentiles read from log-spaced histograms: nearest-rank values within `relativeError`. */
  approximate: true;
  relativeError: number;
  /** The merged log-spaced histogram {bucket index: runs} the percentiles were read from. */
  histogram: Histogram;
}

/** Duration percentiles per scan type over a range, from the roll-ups' histograms (approximate, error stated). */
export async function rollupPercentiles(db: Database, range: TimeRange, opts: RollupScope = {}): Promise<ScanTypePercentiles[]> {
  const where = sql`hour >= ${iso(range.from)}::timestamptz and hour < ${iso(range.to)}::timestamptz`;
  const [totals, buckets] = await Promise.all([
    db.execute(sql`select scan_type, sum(runs)::bigint as runs, sum(failed)::bigint as failed, sum(duration_sum_ms)::bigint as dsum, max(duration_max_ms) as dmax
      from ${source(opts)} where ${where} group by 1 order by 1`),
    db.execute(sql`select scan_type, h.key as k, sum(h.value::bigint)::bigint as n
      from ${source(opts)}, jsonb_each_text(histogram) h where ${where} group by 1, 2`),
  ]);
  const hist = new Map<string, Histogram>();
  for (const x of rowsOf<{ scan_type: string; k: string; n: unknown }>(buckets)) {
    const h = hist.get(x.scan_type) ?? {};
    h[x.k] = Number(x.n);
    hist.set(x.scan_type, h);
  }
  return rowsOf<Record<string, unknown>>(totals).filter((x) => Number(x.runs) > 0).map((x) => {
    const h = hist.get(String(x.scan_type)) ?? {};
    const runs = Number(x.runs);
    return {
      scanType: String(x.scan_type), runs, failed: Number(x.failed), meanMs: Number(x.dsum) / runs,
      p50Ms: histogramPercentile(h, 0.5) ?? 0, p95Ms: histogramPercentile(h, 0.95) ?? 0, p99Ms: histogramPercentile(h, 0.99) ?? 0,
      maxMs: Number(x.dmax), approximate: true, relativeError: HISTOGRAM_RELATIVE_ERROR, histogram: h,
    };
  });
}

/** Total runs and failures over a range (one row), fleet-wide or for one tenant. */
export async function rollupTotals(db: Database, range: TimeRange, opts: RollupScope = {}): Promise<{ runs: number; failed: number; syncRuns: number; syncFailed: number }> {
  const r = await db.execute(sql`
    select coalesce(sum(runs), 0)::bigint as runs, coalesce(sum(failed), 0)::bigint as failed,
           coalesce(sum(runs) filter (where scan_type <> 'rebuild'), 0)::bigint as sync_runs,
           coalesce(sum(failed) filter (where scan_type <> 'rebuild'), 0)::bigint as sync_failed
    from ${source(opts)} where hour >= ${iso(range.from)}::timestamptz and hour < ${iso(range.to)}::timestamptz`);
  const x = rowsOf<Record<string, unknown>>(r)[0] ?? {};
  return { runs: Number(x.runs ?? 0), failed: Number(x.failed ?? 0), syncRuns: Number(x.sync_runs ?? 0), syncFailed: Number(x.sync_failed ?? 0) };
}
