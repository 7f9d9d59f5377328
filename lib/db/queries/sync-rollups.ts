// Reads of the hourly roll-ups (sync_run_rollups per tenant/project/scan type, sync_fleet_rollups
// fleet-wide). Every collected run is counted in them exactly once when it is stored, so counts and
// percentiles over any range come from here; raw sync_runs only serve lists and drill-downs.
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { builtOnce, dateOf, sumOf } from '../queryable.ts';
import { syncFleetRollups, syncRunRollups } from '../schema.ts';
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


type RollupVariant = 'fleet' | 'tenant' | 'project';
const variantOf = (scope: RollupScope): RollupVariant => (!scope.tenantId ? 'fleet' : scope.project != null ? 'project' : 'tenant');

/**
 * The roll-up table a scope reads (one tenant's rows, else the fleet's) and the rows of it in a range, with
 * placeholders for the values (`valuesOf`).
 */
function rollupSource(variant: RollupVariant) {
  const from = sql.placeholder('from'), to = sql.placeholder('to');
  if (variant === 'fleet') {
    const t = syncFleetRollups;
    return { t, where: and(gte(t.hour, from), lt(t.hour, to))! };
  }
  const t = syncRunRollups;
  return {
    t,
    where: and(eq(t.tenantId, sql.placeholder('tenantId')), variant === 'project' ? eq(t.project, sql.placeholder('project')) : undefined, gte(t.hour, from), lt(t.hour, to))!,
  };
}
const valuesOf = (scope: RollupScope, range: TimeRange) => ({ tenantId: scope.tenantId, project: scope.project, from: range.from.toISOString(), to: range.to.toISOString() });

const seriesQuery = builtOnce((db, variant: RollupVariant) => {
  const { t, where } = rollupSource(variant);
  // Grouped by position: a bound parameter repeated in GROUP BY would not match the select list's.
  return db.select({
    bucket: sql<Date>`date_trunc(${sql.placeholder('unit')}, ${t.hour})`.mapWith(dateOf), scanType: t.scanType, runs: sumOf(t.runs), failed: sumOf(t.failed),
    changed: sumOf(t.changed), files: sumOf(t.filesScanned), durationSumMs: sumOf(t.durationSumMs), durationMaxMs: sql<number>`max(${t.durationMaxMs})`.mapWith(Number),
  }).from(t).where(where).groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`).prepare(`rollup_series_${variant}`);
});

/** Runs, failures, changed runs and files per scan type per hour or day over a range (rebuilds as `rebuild`). */
export async function rollupSeries(db: Database, range: TimeRange, opts: RollupScope & { bucket?: BucketUnit } = {}): Promise<RollupSeriesPoint[]> {
  return seriesQuery(db, variantOf(opts)).execute({ ...valuesOf(opts, range), unit: opts.bucket === 'day' ? 'day' : 'hour' });
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

const percentileTotalsQuery = builtOnce((db, variant: RollupVariant) => {
  const { t, where } = rollupSource(variant);
  return db.select({ scanType: t.scanType, runs: sumOf(t.runs), failed: sumOf(t.failed), durationSumMs: sumOf(t.durationSumMs), maxMs: sql<number>`max(${t.durationMaxMs})`.mapWith(Number) })
    .from(t).where(where).groupBy(t.scanType).orderBy(t.scanType).prepare(`rollup_percentile_totals_${variant}`);
});

const histogramBucketsQuery = builtOnce((db, variant: RollupVariant) => {
  const { t, where } = rollupSource(variant);
  // jsonb_each_text is a set-returning function in FROM: the builder has no form for it.
  const bucket = sql`h`;
  // Columns as sql: a FROM written as sql is not a table the builder knows.
  return db.select({ scanType: sql<string>`${t.scanType}`, key: sql<string>`${bucket}.key`, n: sql<number>`sum(${bucket}.value::bigint)`.mapWith(Number) })
    .from(sql`${t}, jsonb_each_text(${t.histogram}) as ${bucket}`).where(where).groupBy(sql`1`, sql`2`).prepare(`rollup_histogram_buckets_${variant}`);
});

/** Duration percentiles per scan type over a range, from the roll-ups' histograms (approximate, error stated). */
export async function rollupPercentiles(db: Database, range: TimeRange, opts: RollupScope = {}): Promise<ScanTypePercentiles[]> {
  const variant = variantOf(opts), values = valuesOf(opts, range);
  const [totals, buckets] = await Promise.all([percentileTotalsQuery(db, variant).execute(values), histogramBucketsQuery(db, variant).execute(values)]);
  const hist = new Map<string, Histogram>();
  for (const x of buckets) {
    const h = hist.get(x.scanType) ?? {};
    h[x.key] = x.n;
    hist.set(x.scanType, h);
  }
  return totals.filter((x) => x.runs > 0).map((x) => {
    const h = hist.get(x.scanType) ?? {};
    return {
      scanType: x.scanType, runs: x.runs, failed: x.failed, meanMs: x.durationSumMs / x.runs,
      p50Ms: histogramPercentile(h, 0.5) ?? 0, p95Ms: histogramPercentile(h, 0.95) ?? 0, p99Ms: histogramPercentile(h, 0.99) ?? 0,
      maxMs: x.maxMs, approximate: true, relativeError: HISTOGRAM_RELATIVE_ERROR, histogram: h,
    };
  });
}

const totalsQuery = builtOnce((db, variant: RollupVariant) => {
  const { t, where } = rollupSource(variant);
  const notRebuild = sql`${t.scanType} <> 'rebuild'`;
  return db.select({
    runs: sql<number>`coalesce(sum(${t.runs}), 0)`.mapWith(Number),
    failed: sql<number>`coalesce(sum(${t.failed}), 0)`.mapWith(Number),
    syncRuns: sql<number>`coalesce(sum(${t.runs}) filter (where ${notRebuild}), 0)`.mapWith(Number),
    syncFailed: sql<number>`coalesce(sum(${t.failed}) filter (where ${notRebuild}), 0)`.mapWith(Number),
  }).from(t).where(where).prepare(`rollup_totals_${variant}`);
});

/** Total runs and failures over a range (one row), fleet-wide or for one tenant. */
export async function rollupTotals(db: Database, range: TimeRange, opts: RollupScope = {}): Promise<{ runs: number; failed: number; syncRuns: number; syncFailed: number }> {
  const [x] = await totalsQuery(db, variantOf(opts)).execute(valuesOf(opts, range));
  return x ?? { runs: 0, failed: 0, syncRuns: 0, syncFailed: 0 };
}
