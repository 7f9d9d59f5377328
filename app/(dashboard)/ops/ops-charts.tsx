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
import { formatDuration } from '@/lib/format/durations.ts';
import { formatCount, formatPercent, plural } from '@/lib/format/plurals.ts';
import { formatUtc } from '@/lib/format/dates.ts';
import { cardClass } from '@/components/ui/card.tsx';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';

const H = 3_600_000;

/** ≤ n display bins from a log-spaced histogram (consecutive buckets merged). */
function displayBins(h: Histogram, n = 12): HistogramBin[] {
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
  // The same counts as words in a table (screen readers, find-in-page, a quick glance): one row per bucket with runs.
  const types = [...new Set(series.filter((p) => p.scanType !== 'rebuild').map((p) => seriesKey(p.scanType)))].sort();
  const label = (d: Date) => formatUtc(d, bucket === 'day' ? 'day' : 'minute');
  return (
    <div className="grid gap-2">
      <StackedBarChart title={title} description={`Sync runs per ${bucket}, stacked by scan type; failed runs are hatched and counted with ✕.`} buckets={buckets} bucketSeconds={step / 1000} testId="chart-runs" />
      {withRuns.length > 0 && (
        <Table label={`${title} as a table (scrolls sideways)`} testId="runs-table" captionVisible caption={<>{title} per {bucket}, newest first{withRuns.length === 24 ? ' (the latest 24 with runs)' : ''}</>}>
            <THead><Th>{bucket === 'day' ? 'Day' : 'Hour'}</Th>{types.map((t) => <Th key={t}>{SCAN_TYPE_LABELS[t]}</Th>)}<Th>Failed</Th></THead>
            <TBody>
              {withRuns.map((b) => (
                <tr key={b.start.getTime()} data-testid="runs-table-row">
                  <th scope="row" className="px-3 py-1.5 text-left font-normal"><Link className="text-brand-700 underline" href={drillHref(b.start, new Date(b.start.getTime() + step))}>{label(b.start)}</Link></th>
                  {types.map((t) => <td key={t} className="px-3 py-1.5 tabular-nums">{formatCount(b.values[t] ?? 0)}</td>)}
                  <td className="px-3 py-1.5 tabular-nums" data-testid="runs-table-failed">{formatCount(b.failed)}</td>
                </tr>
              ))}
            </TBody>
        </Table>
      )}
      {withRuns.length > 0 && (
        <details className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm" data-testid="chart-drill">
          <summary className="cursor-pointer text-slate-800">Open the runs of a bucket</summary>
          <ul className="mt-2 grid gap-1 sm:grid-cols-2">
            {withRuns.map((b) => {
              const total = Object.values(b.values).reduce((s, v) => s + (v ?? 0), 0);
              return (
                <li key={b.start.getTime()}>
                  <Link className="text-brand-700 underline" href={drillHref(b.start, new Date(b.start.getTime() + step))}>
                    {label(b.start)}: {formatCount(total)} runs{b.failed ? `, ${b.failed} failed` : ''}
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
    return <p className={cardClass({ dashed: true, className: 'text-sm text-slate-700' })} data-testid="histograms-empty">No sync runs in this range.</p>;
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {syncs.map((p) => {
        const k = seriesKey(p.scanType);
        return (
          <HistogramChart
            key={p.scanType} testId={`chart-histogram-${p.scanType}`}
            title={`${SCAN_TYPE_LABELS[k]} duration`}
            description={`${formatCount(p.runs)} runs; p50 ${formatDuration(p.p50Ms)}, p95 ${formatDuration(p.p95Ms)}, p99 ${formatDuration(p.p99Ms)} (approximate: within ±${formatPercent(p.relativeError)}).`}
            bins={displayBins(p.histogram)} color={SCAN_TYPE_COLORS[k]} xFormat={(v) => formatDuration(v)}
            markers={[{ key: 'p50', value: p.p50Ms }, { key: 'p95', value: p.p95Ms }, { key: 'p99', value: p.p99Ms }]}
          />
        );
      })}
    </div>
  );
}

export function RebuildChart({ rebuilds }: { rebuilds: SyncRunView[] }) {
  const newest = [...rebuilds].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).slice(0, 20);
  return (
    <div className="grid gap-2">
    <DualAxisChart
      title="Rebuild duration against files indexed" testId="chart-rebuilds"
      description="Each index rebuild in the range: its duration (line) and the files it indexed (bars); failed rebuilds are marked."
      points={rebuilds.map((r) => ({ x: r.startedAt, line: r.durationMs, bar: r.filesScanned, failed: r.status !== 'ok', label: r.tenantId.slice(0, 8) }))}
      lineLabel="Duration" barLabel="Files indexed" lineFormat={formatDuration}
    />
    {newest.length > 0 && (
      <Table label="Rebuilds as a table (scrolls sideways)" testId="rebuilds-table" captionVisible caption={<>Index rebuilds, newest first{rebuilds.length > newest.length ? ` (${newest.length} of ${rebuilds.length})` : ''}</>}>
            <THead><Th>Started</Th><Th>Tenant</Th><Th>Outcome</Th><Th>Duration</Th><Th>Files indexed</Th></THead>
            <TBody>
            {newest.map((r) => (
              <tr key={`${r.tenantId}-${r.runId}`} data-testid="rebuilds-table-row" data-status={r.status}>
                <td className="px-3 py-1.5 tabular-nums">{formatUtc(r.startedAt)}</td>
                <td className="px-3 py-1.5"><Link className="text-brand-700 underline" href={`/ops/tenants/${r.tenantId}`}>{r.tenantId.slice(0, 8)}</Link></td>
                <td className="px-3 py-1.5">{r.status === 'ok' ? 'ok' : `failed (${r.status})`}</td>
                <td className="px-3 py-1.5 tabular-nums">{formatDuration(r.durationMs)}</td>
                <td className="px-3 py-1.5 tabular-nums">{formatCount(r.filesScanned)}</td>
              </tr>
            ))}
          </TBody>
        </Table>
    )}
    </div>
  );
}

/** One sentence in words: runs per scan type, failures, the slowest p95, and rebuilds. */
export function opsSummary(range: string, percentiles: ScanTypePercentiles[], rebuilds: SyncRunView[]): string {
  const syncs = percentiles.filter((p) => p.scanType !== 'rebuild' && p.runs > 0);
  if (!syncs.length && !rebuilds.length) return `No sync runs and no rebuilds in the last ${range}.`;
  const total = syncs.reduce((n, p) => n + p.runs, 0);
  const failed = syncs.reduce((n, p) => n + p.failed, 0);
  const per = syncs.map((p) => `${formatCount(p.runs)} ${SCAN_TYPE_LABELS[seriesKey(p.scanType)].toLowerCase()}${p.failed ? ` (${formatCount(p.failed)} failed)` : ''}`).join(', ');
  const slowest = [...syncs].sort((a, b) => b.p95Ms - a.p95Ms)[0];
  const failedRebuilds = rebuilds.filter((r) => r.status !== 'ok').length;
  const longest = [...rebuilds].sort((a, b) => b.durationMs - a.durationMs)[0];
  return [
    syncs.length ? `In the last ${range}: ${formatCount(total)} sync runs — ${per}; ${failed ? `${formatCount(failed)} failed in all` : 'none failed'}.` : `No sync runs in the last ${range}.`,
    slowest ? `Slowest scan type at p95: ${SCAN_TYPE_LABELS[seriesKey(slowest.scanType)].toLowerCase()}, about ${formatDuration(slowest.p95Ms)}.` : '',
    rebuilds.length ? `${plural(rebuilds.length, 'index rebuild')}${failedRebuilds ? ` (${failedRebuilds} failed)` : ''}, the longest ${formatDuration(longest!.durationMs)}.` : 'No index rebuilds.',
  ].filter(Boolean).join(' ');
}
