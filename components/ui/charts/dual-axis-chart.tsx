// Two measures over time on two axes: bars for one (e.g. files indexed, right axis) and dots + line
// for the other (e.g. duration, left axis). Failed points are drawn as ✕ instead of a dot.
import { AxisBottom, AxisLeft, AxisRight } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scaleTime } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { ChartFrame, CHART_WIDTH, MARGIN } from './chart-frame.tsx';
import { bucketLabel, compact } from './format.ts';

export interface DualPoint { x: Date; line: number; bar: number; failed?: boolean; label?: string }

export function DualAxisChart({ title, description, points, lineLabel, barLabel, lineFormat = String, lineColor = '#7c3aed', barColor = '#cbd5e1', height = 220, testId = 'chart-dual' }: {
  title: string; description: string; points: DualPoint[]; lineLabel: string; barLabel: string; lineFormat?: (v: number) => string;
  lineColor?: string; barColor?: string; height?: number; testId?: string;
}) {
  const empty = points.length === 0;
  const m = { ...MARGIN, right: 48 };
  const innerW = CHART_WIDTH - m.left - m.right;
  const innerH = height - m.top - m.bottom;
  const sorted = [...points].sort((a, b) => a.x.getTime() - b.x.getTime());
  const t0 = sorted[0]?.x.getTime() ?? 0, t1 = sorted.at(-1)?.x.getTime() ?? 1;
  const pad = Math.max(60_000, (t1 - t0) * 0.05);
  const x = scaleTime<number>({ domain: [new Date(t0 - pad), new Date(t1 + pad)], range: [0, innerW] });
  const yl = scaleLinear<number>({ domain: [0, Math.max(1, ...sorted.map((p) => p.line)) * 1.1], range: [innerH, 0], nice: true });
  const yr = scaleLinear<number>({ domain: [0, Math.max(4, Math.max(...sorted.map((p) => p.bar)) * 1.1)], range: [innerH, 0], nice: true });
  const bw = Math.max(3, Math.min(24, innerW / Math.max(1, sorted.length) / 2));
  return (
    <ChartFrame
      title={title} description={description} height={height} empty={empty} testId={testId}
      legend={[{ label: `${barLabel} (bars, right axis)`, color: barColor }, { label: `${lineLabel} (line, left axis; ✕ = failed)`, color: lineColor, dash: '' }]}
      table={{ columns: ['When', ...(sorted.some((p) => p.label) ? ['What'] : []), lineLabel, barLabel, 'Outcome'], rows: sorted.map((p) => [bucketLabel(p.x), ...(sorted.some((q) => q.label) ? [p.label ?? ''] : []), lineFormat(p.line), compact(p.bar), p.failed ? 'failed' : 'ok']) }}
    >
      {() => (
        <Group left={m.left} top={m.top}>
          {sorted.map((p, i) => (
            <rect key={`b${i}`} x={x(p.x) - bw / 2} y={yr(p.bar)} width={bw} height={innerH - yr(p.bar)} fill={barColor} stroke="#64748b" strokeWidth={0.5}>
              <title>{`${bucketLabel(p.x)}: ${compact(p.bar)} ${barLabel}`}</title>
            </rect>
          ))}
          <LinePath data={sorted} x={(p) => x(p.x)} y={(p) => yl(p.line)} stroke={lineColor} strokeWidth={2} fill="none" />
          {sorted.map((p, i) => p.failed
            ? <text key={`p${i}`} x={x(p.x)} y={yl(p.line) + 4} textAnchor="middle" fontSize={13} fontWeight={700} fill="#b91c1c" data-failed="true"><title>{`${bucketLabel(p.x)}: failed, ${lineFormat(p.line)}`}</title>✕</text>
            : <circle key={`p${i}`} cx={x(p.x)} cy={yl(p.line)} r={3.5} fill="#fff" stroke={lineColor} strokeWidth={2}><title>{`${bucketLabel(p.x)}: ${lineFormat(p.line)}`}</title></circle>)}
          <AxisLeft scale={yl} numTicks={4} tickFormat={(v) => lineFormat(Number(v))} stroke="#94a3b8" tickStroke="#94a3b8" tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'end', dx: -4, dy: 3 }} />
          <AxisRight left={innerW} scale={yr} numTicks={4} tickFormat={(v) => compact(Number(v))} stroke="#94a3b8" tickStroke="#94a3b8" tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'start', dx: 4, dy: 3 }} />
          <AxisBottom top={innerH} scale={x} numTicks={5} stroke="#94a3b8" tickStroke="#94a3b8"
            tickFormat={(v) => (v as Date).toISOString().slice(5, 16).replace('T', ' ')} tickLabelProps={{ fill: '#475569', fontSize: 11, textAnchor: 'middle' }} />
        </Group>
      )}
    </ChartFrame>
  );
}
