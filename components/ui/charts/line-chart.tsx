// Several series over time (e.g. duration p50 and p95 per scan type). Series differ by colour AND
// dash pattern, and each point is a dot with its value in a <title>.
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scaleTime } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { ChartFrame, CHART_WIDTH, MARGIN } from './chart-frame.tsx';
import { bucketLabel, timeTick } from './format.ts';

export interface LineSeries { key: string; label: string; color: string; dash?: string; points: { x: Date; y: number }[] }

export function LineChart({ title, description, series, from, to, bucketSeconds, yFormat = String, yLabel, height = 220, testId = 'chart-lines' }: {
  title: string; description: string; series: LineSeries[]; from: Date; to: Date; bucketSeconds: number;
  yFormat?: (v: number) => string; yLabel: string; height?: number; testId?: string;
}) {
  const live = series.filter((s) => s.points.length > 0);
  const empty = live.length === 0;
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const x = scaleTime<number>({ domain: [from, to], range: [0, innerW] });
  const ymax = Math.max(1, ...live.flatMap((s) => s.points.map((p) => p.y)));
  const y = scaleLinear<number>({ domain: [0, ymax * 1.1], range: [innerH, 0], nice: true });
  const rows = live.flatMap((s) => s.points.map((p) => [bucketLabel(p.x), s.label, yFormat(p.y)] as (string | number)[]));
  return (
    <ChartFrame
      title={title} description={description} height={height} empty={empty} testId={testId}
      legend={live.map((s) => ({ label: s.label, color: s.color, dash: s.dash ?? '' }))}
      table={{ columns: ['Bucket start', 'Series', yLabel], rows }}
    >
      {() => (
        <Group left={MARGIN.left} top={MARGIN.top}>
          {live.map((s) => (
            <g key={s.key} data-series={s.key}>
              <LinePath data={s.points} x={(p) => x(p.x)} y={(p) => y(p.y)} stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} fill="none" />
              {s.points.map((p, i) => (
                <circle key={i} cx={x(p.x)} cy={y(p.y)} r={3} fill="#fff" stroke={s.color} strokeWidth={2}><title>{`${s.label} at ${bucketLabel(p.x)}: ${yFormat(p.y)}`}</title></circle>
              ))}
            </g>
          ))}
          <AxisLeft scale={y} numTicks={4} tickFormat={(v) => yFormat(Number(v))} stroke="#94a3b8" tickStroke="#94a3b8" tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'end', dx: -4, dy: 3 }} />
          <AxisBottom
            top={innerH} scale={x} stroke="#94a3b8" tickStroke="#94a3b8" numTicks={6}
            tickFormat={(v) => timeTick(v as Date, bucketSeconds)} tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'middle' }}
          />
        </Group>
      )}
    </ChartFrame>
  );
}
