// The frame every chart shares: a <figure> with a visible title, an SVG with <title>/<desc>
// (role="img"), an empty state, a legend (swatch + label, never colour alone) and the values as a
// table inside <details>. Server component: renders to plain SVG/HTML, no client JavaScript (no context: react-server has none).
import { useId, type ReactNode } from 'react';

export const CHART_WIDTH = 640;
export const MARGIN = { top: 16, right: 16, bottom: 32, left: 48 };

export interface LegendItem { label: string; color: string; dash?: string; pattern?: 'failure' }

export function ChartFrame(props: {
  title: string;
  description: string;
  height: number;
  empty: boolean;
  emptyText?: string;
  legend?: LegendItem[];
  table: { columns: string[]; rows: (string | number)[][] };
  testId?: string;
  /** Draws the plot; gets the fill of the per-chart failure pattern (ids are per chart: useId). */
  children: (failFill: string) => ReactNode;
}) {
  const id = useId();
  return (
    <figure data-testid={props.testId} data-empty={props.empty ? 'true' : 'false'} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption className="text-sm font-semibold text-slate-900">{props.title}</figcaption>
      <p className="mt-0.5 text-xs text-slate-600">{props.description}</p>
      {props.empty ? (
        <p data-testid="chart-empty" className="mt-3 rounded-lg border border-dashed border-slate-300 px-3 py-6 text-center text-sm text-slate-600">
          {props.emptyText ?? 'No data in this time range yet.'}
        </p>
      ) : (
        <>
          <svg
            role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${CHART_WIDTH} ${props.height}`}
            className="mt-2 h-auto w-full overflow-visible text-slate-600" preserveAspectRatio="xMidYMid meet"
          >
            <title id={`${id}-t`}>{props.title}</title>
            <desc id={`${id}-d`}>{props.description}</desc>
            <defs>
              <pattern id={`${id}-fail`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="6" height="6" fill="#fef2f2" />
                <line x1="0" y1="0" x2="0" y2="6" stroke="#b91c1c" strokeWidth="3" />
              </pattern>
            </defs>
            {props.children(`url(#${id}-fail)`)}
          </svg>
          {props.legend && props.legend.length > 0 && (
            <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label="Legend">
              {props.legend.map((l) => (
                <li key={l.label} className="flex items-center gap-1.5">
                  <svg width="18" height="10" aria-hidden="true">
                    {l.pattern === 'failure'
                      ? <><rect width="18" height="10" fill="#fef2f2" stroke="#b91c1c" /><path d="M2 9 L9 1 M9 9 L16 1" stroke="#b91c1c" strokeWidth="2" /></>
                      : l.dash !== undefined
                        ? <line x1="0" y1="5" x2="18" y2="5" stroke={l.color} strokeWidth="2.5" strokeDasharray={l.dash} />
                        : <rect width="18" height="10" rx="2" fill={l.color} />}
                  </svg>
                  {l.label}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <details className="mt-2 text-xs text-slate-700">
        <summary className="cursor-pointer text-brand-700">Values as a table</summary>
        <div className="mt-2 max-h-64 overflow-auto focus:outline-none focus:ring-2 focus:ring-blue-300" tabIndex={0} role="region" aria-label={`${props.title}: values`}>
          <table className="w-full text-left tabular-nums">
            <thead><tr>{props.table.columns.map((c) => <th key={c} scope="col" className="border-b border-slate-200 px-2 py-1 font-medium">{c}</th>)}</tr></thead>
            <tbody>
              {props.table.rows.length === 0
                ? <tr><td colSpan={props.table.columns.length} className="px-2 py-1">No values.</td></tr>
                : props.table.rows.map((r, i) => <tr key={i}>{r.map((v, j) => <td key={j} className="border-b border-slate-100 px-2 py-1">{v}</td>)}</tr>)}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
