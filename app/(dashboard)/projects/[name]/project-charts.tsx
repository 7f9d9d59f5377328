// The project page's charts, from the same series the BFF route returns: runs over time stacked by
// scan type (failures marked), duration p50/p95 per scan type, files scanned. Server-rendered SVG.
import { LineChart, type LineSeries } from '@/components/ui/charts/line-chart.tsx';
import { PERCENTILE_STYLES, SCAN_TYPE_COLORS, SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import { StackedBarChart, type StackedBucket } from '@/components/ui/charts/stacked-bar-chart.tsx';
import type { SeriesDto } from '@/lib/sync-health/dashboard-data.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { formatCount } from '@/lib/format/plurals.ts';

/** Every bucket of the range, so empty stretches show as gaps, not as compressed time. */
function allBuckets(s: SeriesDto): number[] {
  const out: number[] = [];
  const step = s.bucket_seconds * 1000;
  for (let t = Date.parse(s.from); t < Date.parse(s.to) && out.length < 500; t += step) out.push(t);
  return out;
}

export function ProjectCharts({ series, rangeLabel }: { series: SeriesDto; rangeLabel: string }) {
  const buckets: StackedBucket[] = allBuckets(series).map((t) => ({ start: new Date(t), values: {}, failed: 0 }));
  const byTime = new Map(buckets.map((b) => [b.start.getTime(), b]));
  for (const r of series.runs) {
    const b = byTime.get(Date.parse(r.bucket));
    if (!b) continue;
    const k = seriesKey(r.scan_type);
    b.values[k] = (b.values[k] ?? 0) + r.runs;
    b.failed += r.failed;
  }
  const lines: LineSeries[] = [];
  for (const st of [...new Set(series.duration.map((d) => d.scan_type))]) {
    const k = seriesKey(st);
    const pts = series.duration.filter((d) => d.scan_type === st);
    lines.push({ key: `${k}-p50`, label: `${SCAN_TYPE_LABELS[k]} p50`, color: SCAN_TYPE_COLORS[k], dash: PERCENTILE_STYLES.p50.dash, points: pts.map((d) => ({ x: new Date(d.bucket), y: d.p50_ms })) });
    lines.push({ key: `${k}-p95`, label: `${SCAN_TYPE_LABELS[k]} p95`, color: SCAN_TYPE_COLORS[k], dash: PERCENTILE_STYLES.p95.dash, points: pts.map((d) => ({ x: new Date(d.bucket), y: d.p95_ms })) });
  }
  const from = new Date(series.from), to = new Date(series.to);
  const per = series.bucket_seconds >= 86400 ? 'day' : series.bucket_seconds >= 3600 ? `${series.bucket_seconds / 3600} h` : `${series.bucket_seconds / 60} min`;
  return (
    <section aria-label="Charts" className="grid min-w-0 grid-cols-1 gap-4">
      <div>
        <StackedBarChart title="Runs over time" description={`Sync runs per ${per}, ${rangeLabel.toLowerCase()}, stacked by scan type; failed runs are hatched and counted with ✕.`} buckets={buckets} bucketSeconds={series.bucket_seconds} testId="chart-runs" />
      </div>
      <LineChart title="Duration p50 and p95" description={`Median (solid) and 95th percentile (dashed) run duration per scan type, per ${per}.`} series={lines} from={from} to={to} bucketSeconds={series.bucket_seconds} yFormat={formatDuration} yLabel="Duration" testId="chart-duration" />
      <LineChart title="Files scanned" description={`Files checked by all runs per ${per}.`} series={[{ key: 'files', label: 'Files scanned', color: '#334155', points: series.files.map((f) => ({ x: new Date(f.bucket), y: f.files_scanned })) }]} from={from} to={to} bucketSeconds={series.bucket_seconds} yFormat={(v) => formatCount(Math.round(v))} yLabel="Files" testId="chart-files" />
    </section>
  );
}
