// A distribution in buckets (e.g. run durations) with p50/p95/p99 marker lines, each labelled and
// dashed differently so they read without colour.
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { ChartFrame, CHART_WIDTH, MARGIN } from './chart-frame.tsx';
import { nf } from './format.ts';
import { PERCENTILE_STYLES } from './palette.ts';

export interface HistogramBin { x0: number; x1: number; count: number }
export interface HistogramMarker { key: 'p50' | 'p95' | 'p99'; value: number }

export function HistogramChart({ title, description, bins, markers, xFormat = String, color = '#0f766e', height = 200, testId = 'chart-histogram' }: {
  title: string; description: string; bins: HistogramBin[]; markers: HistogramMarker[]; xFormat?: (v: number) => string; color?: string; height?: number; testId?: string;
}) {
  const empty = bins.every((b) => b.count === 0);
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const x = scaleBand<number>({ domain: bins.map((_, i) => i), range: [0, innerW], padding: 0.1 });
  const y = scaleLinear<number>({ domain: [0, Math.max(1, ...bins.map((b) => b.count)) * 1.15], range: [innerH, 0], nice: true });
  // A marker sits inside its bin, proportionally between x0 and x1.
  const markerX = (v: number) => {
    const i = Math.max(0, bins.findIndex((b) => v >= b.x0 && v < b.x1));
    const b = bins[i] ?? bins[bins.length - 1]!;
    const f = b.x1 > b.x0 ? Math.min(1, Math.max(0, (v - b.x0) / (b.x1 - b.x0))) : 0.5;
    return (x(i) ?? 0) + f * x.bandwidth();
  };
  return (
    <ChartFrame
      title={title} description={description} height={height} empty={empty} testId={testId}
      legend={[{ label: 'Runs', color }, ...markers.map((m) => ({ label: `${m.key} ${xFormat(m.value)}`, color: PERCENTILE_STYLES[m.key].color, dash: PERCENTILE_STYLES[m.key].dash ?? '' }))]}
      table={{ columns: ['From', 'To', 'Runs'], rows: bins.map((b) => [xFormat(b.x0), xFormat(b.x1), b.count]) }}
    >
      {() => (
        <Group left={MARGIN.left} top={MARGIN.top}>
          {bins.map((b, i) => (
            <Bar key={i} x={x(i) ?? 0} y={y(b.count)} width={x.bandwidth()} height={innerH - y(b.count)} fill={color}>
              <title>{`${xFormat(b.x0)}–${xFormat(b.x1)}: ${nf.format(b.count)} runs`}</title>
            </Bar>
          ))}
          {markers.map((m) => (
            <g key={m.key} data-marker={m.key}>
              <line x1={markerX(m.value)} x2={markerX(m.value)} y1={0} y2={innerH} stroke={PERCENTILE_STYLES[m.key].color} strokeWidth={2} strokeDasharray={PERCENTILE_STYLES[m.key].dash} />
              <text x={markerX(m.value) + 3} y={10 + 12 * ['p50', 'p95', 'p99'].indexOf(m.key)} fontSize={11} fill={PERCENTILE_STYLES[m.key].color}>{m.key}</text>
            </g>
          ))}
          <AxisLeft scale={y} numTicks={4} stroke="#94a3b8" tickStroke="#94a3b8" tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'end', dx: -4, dy: 3 }} />
          <AxisBottom top={innerH} scale={x} stroke="#94a3b8" tickStroke="#94a3b8" tickFormat={(i) => xFormat(bins[Number(i)]?.x0 ?? 0)}
            tickValues={bins.map((_, i) => i).filter((i) => i % Math.ceil(bins.length / 6) === 0)} tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'middle' }} />
        </Group>
      )}
    </ChartFrame>
  );
}

/** Log-spaced bins for durations in ms (1 ms … max), enough for a histogram of run times. */
export function durationBins(values: number[], n = 12): HistogramBin[] {
  if (values.length === 0) return [];
  const max = Math.max(2, ...values);
  const edges = Array.from({ length: n + 1 }, (_, i) => Math.round(Math.pow(max * 1.001, i / n)));
  edges[0] = 0;
  const bins = edges.slice(0, -1).map((x0, i) => ({ x0, x1: Math.max(x0 + 1, edges[i + 1]!), count: 0 }));
  for (const v of values) {
    const b = bins.find((bb) => v >= bb.x0 && v < bb.x1) ?? bins[bins.length - 1]!;
    b.count++;
  }
  return bins;
}
