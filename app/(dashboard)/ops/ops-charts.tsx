// The ops charts, server-rendered from the same data as GET /api/ops/overview and /api/ops/tenants/{id}:
// runs per scan type over time (stacked, failures hatched), a duration histogram per scan type with
// p50/p95/p99 marked (from the roll-ups' log-spaced histograms: approximate, the error is stated), and
// rebuild duration over time against files indexed. Every bucket links to the runs it counts.
import Link from 'next/link';
import { DualAxisChart } from '@/components/ui/charts/dual-axis-chart.tsx';
import { HistogramChart, type HistogramBin } from '@/components/ui/charts/histogram-chart.tsx';
import { SCAN_TYPE_COLORS, SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import { StackedBarChart, type StackedBucket } from '@/components/ui/charts/stacked-bar-chart.tsx';
import { HISTOGRAM_GROWTH, type Histogram } from '@/lib/history/duration-histogram.ts';
import type { RollupSeriesPoint, ScanTypePercentiles } from '@/lib/db/queries/sync-rollups.ts';
import type { SyncRunView } from '@/lib/db/queries/sync-runs.ts';
import { formatDuration } from '@/lib/sync-health/run-summary.ts';

const H = 3_600_000;

/** ≤ n display bins from a log-spaced histogram (consecutive buckets merged). */
export function displayBins(h: Histogram, n = 12): HistogramBin[] {
  const idx = Object.keys(h).map(Number).filter((k) => (h[String(k)] ?? 0) > 0).sort((a, b) => a - b);
  if (!idx.length) return [];
  const lo = idx[0]!, hi = idx[idx.length - 1]!;
  const per = Math.max(1, Math.ceil((hi - lo + 1) / n));
  const edge = (i: number) => (i <= 0 ? 0 : Math.round(HISTOGRAM_GROWTH ** (i - 1) * 10) / 10);
  const bins: HistogramBin[] = [];
  for (let s = lo; s <= hi; s += per) {
    let count = 0;
    for (let i = s; i < s + per; i++) count += h[String(i)] ?? 0;
    bins.push({ x0: edge(s), x1: Math.max(edge(s + per), edge(s) + 0.1), count });
  }
  return bins;
}

export function RunsChart({ series, from, to, bucket, drillHref, title = 'Runs per scan type' }: {
  series: RollupSeriesPoint[]; from: Date; to: Date; bucket: 'hour' | 'day'; drillHref: (from: Date, to: Date, scanType?: string) => string; title?: string;
}) {
  const step = bucket === 'day' ? 24 * H : H;
  const start = bucket === 'day' ? Math.floor(from.getTime() / (24 * H)) * 24 * H : from.getTime();
  const buckets: StackedBucket[] = [];
  for (let t = start; t < to.getTime() && buckets.length < 800; t += step) buckets.push({ start: new Date(t), values: {}, failed: 0 });
  const byTime = new Map(buckets.map((b) => [b.start.getTime(), b]));
  for (const p of series) {
    if (p.scanType === 'rebuild') continue;
    const b = byTime.get(p.bucket.getTime());
    if (!b) continue;
    const k = seriesKey(p.scanType);
    b.values[k] = (b.values[k] ?? 0) + p.runs;
    b.failed += p.failed;
  }
  const withRuns = buckets.filter((b) => Object.values(b.values).some((v) => (v ?? 0) > 0)).slice(-24).reverse();
  return (
    <div className="grid gap-2">
      <StackedBarChart title={title} description={`Sync runs per ${bucket}, stacked by scan type; failed runs are hatched and counted with ✕.`} buckets={buckets} bucketSeconds={step / 1000} testId="chart-runs" />
      {withRuns.length > 0 && (
        <details className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm" data-testid="chart-drill">
          <summary className="cursor-pointer text-slate-800">Open the runs of a bucket</summary>
          <ul className="mt-2 grid gap-1 sm:grid-cols-2">
            {withRuns.map((b) => {
              const total = Object.values(b.values).reduce((s, v) => s + (v ?? 0), 0);
              return (
                <li key={b.start.getTime()}>
                  <Link className="text-brand-700 underline" href={drillHref(b.start, new Date(b.start.getTime() + step))}>
                    {b.start.toISOString().replace('T', ' ').slice(0, bucket === 'day' ? 10 : 16)} UTC: {total.toLocaleString('en-US')} runs{b.failed ? `, ${b.failed} failed` : ''}
                  </Link>
                </li>
              );
            })}
          </ul>
        </details>
      )}
    </div>
  );
}

export function DurationHistograms({ percentiles }: { percentiles: ScanTypePercentiles[] }) {
  const syncs = percentiles.filter((p) => p.scanType !== 'rebuild');
  if (!syncs.length) {
    return <p className="rounded-xl border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700" data-testid="histograms-empty">No sync runs in this range.</p>;
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {syncs.map((p) => {
        const k = seriesKey(p.scanType);
        return (
          <HistogramChart
            key={p.scanType} testId={`chart-histogram-${p.scanType}`}
            title={`${SCAN_TYPE_LABELS[k]} duration`}
            description={`${p.runs.toLocaleString('en-US')} runs; p50 ${formatDuration(p.p50Ms)}, p95 ${formatDuration(p.p95Ms)}, p99 ${formatDuration(p.p99Ms)} (approximate: within ±${(p.relativeError * 100).toFixed(1)} %).`}
            bins={displayBins(p.histogram)} color={SCAN_TYPE_COLORS[k]} xFormat={(v) => formatDuration(v)}
            markers={[{ key: 'p50', value: p.p50Ms }, { key: 'p95', value: p.p95Ms }, { key: 'p99', value: p.p99Ms }]}
          />
        );
      })}
    </div>
  );
}

export function RebuildChart({ rebuilds }: { rebuilds: SyncRunView[] }) {
  return (
    <DualAxisChart
      title="Rebuild duration against files indexed" testId="chart-rebuilds"
      description="Each index rebuild in the range: its duration (line) and the files it indexed (bars); failed rebuilds are marked."
      points={rebuilds.map((r) => ({ x: r.startedAt, line: r.durationMs, bar: r.filesScanned, failed: r.status !== 'ok', label: r.tenantId.slice(0, 8) }))}
      lineLabel="Duration" barLabel="Files indexed" lineFormat={formatDuration}
    />
  );
}
