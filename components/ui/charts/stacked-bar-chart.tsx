// Runs per time bucket, stacked by series (scan type); buckets with failures carry a hatched cap and
// a "✕ n" mark above the bar, so failures are visible without colour.
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { ChartFrame, CHART_WIDTH, MARGIN } from './chart-frame.tsx';
import { bucketLabel, nf, thin, timeTick } from './format.ts';
import { SCAN_TYPE_COLORS, SCAN_TYPE_LABELS, type SeriesKey } from './palette.ts';

export interface StackedBucket { start: Date; values: Partial<Record<SeriesKey, number>>; failed: number }

export function StackedBarChart({ title, description, buckets, bucketSeconds, height = 220, testId = 'chart-runs' }: {
  title: string; description: string; buckets: StackedBucket[]; bucketSeconds: number; height?: number; testId?: string;
}) {
  const keys = (Object.keys(SCAN_TYPE_COLORS) as SeriesKey[]).filter((k) => buckets.some((b) => (b.values[k] ?? 0) > 0));
  const totals = buckets.map((b) => keys.reduce((s, k) => s + (b.values[k] ?? 0), 0));
  const empty = totals.every((t) => t === 0);
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const x = scaleBand<number>({ domain: buckets.map((b) => b.start.getTime()), range: [0, innerW], padding: 0.2 });
  // Counts: at least 0…4 so every tick is a whole number.
  const y = scaleLinear<number>({ domain: [0, Math.max(4, Math.max(...totals) * 1.15)], range: [innerH, 0], nice: true });
  const anyFailed = buckets.some((b) => b.failed > 0);
  return (
    <ChartFrame
      title={title} description={description} height={height} empty={empty} testId={testId}
      legend={[...keys.map((k) => ({ label: SCAN_TYPE_LABELS[k], color: SCAN_TYPE_COLORS[k] })), ...(anyFailed ? [{ label: 'Failed runs (hatched, ✕ count)', color: '#b91c1c', pattern: 'failure' as const }] : [])]}
      table={{
        columns: ['Bucket start', ...keys.map((k) => SCAN_TYPE_LABELS[k]), 'Failed', 'Total'],
        rows: buckets.filter((_, i) => totals[i]! > 0).map((b) => [bucketLabel(b.start), ...keys.map((k) => b.values[k] ?? 0), b.failed, keys.reduce((s, k) => s + (b.values[k] ?? 0), 0)]),
      }}
    >
      {(failFill) => (
        <Group left={MARGIN.left} top={MARGIN.top}>
          {buckets.map((b, i) => {
            let acc = 0;
            const bx = x(b.start.getTime()) ?? 0;
            const bw = x.bandwidth();
            const segs = keys.map((k) => {
              const v = b.values[k] ?? 0;
              if (!v) return null;
              const y0 = y(acc), y1 = y(acc + v);
              acc += v;
              return <Bar key={k} data-series={k} x={bx} y={y1} width={bw} height={Math.max(0, y0 - y1)} fill={SCAN_TYPE_COLORS[k]}><title>{`${bucketLabel(b.start)}: ${v} ${SCAN_TYPE_LABELS[k]}`}</title></Bar>;
            });
            const failH = b.failed ? Math.max(3, y(0) - y(b.failed)) : 0;
            return (
              <g key={i} data-bucket={b.start.toISOString()}>
                {segs}
                {b.failed > 0 && (
                  <>
                    <rect data-failed={b.failed} x={bx} y={y(totals[i]!)} width={bw} height={Math.min(failH, y(0) - y(totals[i]!))} fill={failFill} stroke="#b91c1c" strokeWidth={1} />
                    <text x={bx + bw / 2} y={y(totals[i]!) - 4} textAnchor="middle" fontSize={11} fontWeight={600} fill="#b91c1c">✕ {nf.format(b.failed)}</text>
                  </>
                )}
              </g>
            );
          })}
          <AxisLeft scale={y} numTicks={4} tickFormat={(v) => nf.format(Number(v))} stroke="#94a3b8" tickStroke="#94a3b8" tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'end', dx: -4, dy: 3 }} />
          <AxisBottom
            top={innerH} scale={x} stroke="#94a3b8" tickStroke="#94a3b8"
            tickValues={thin(buckets.map((b) => b.start.getTime()), 8)} tickFormat={(v) => timeTick(new Date(Number(v)), bucketSeconds)}
            tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'middle' }}
          />
        </Group>
      )}
    </ChartFrame>
  );
}
