// Run history rows (Vercel/GitHub run-list shape): status dot · scan type · trigger · started ·
// duration · changes · skipped · errors. Each row links to the run's own page (`runHref`).
// On narrow screens the row becomes a stacked card; every value keeps its label.
import Link from 'next/link';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { SCAN_TYPE_COLORS, SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import type { RunDto } from '@/lib/sync-health/run-dto.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { RunStatus } from './run-status.tsx';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';
import { formatUtc } from '@/lib/format/dates.ts';

export const TRIGGER_LABELS: Record<string, string> = {
  startup: 'Start-up', schedule: 'Schedule', api: 'Sync now', force: 'Full re-sync', discovery: 'New folder',
};

export function ScanTypeTag({ scanType, mode }: { scanType: string | null; mode?: string | null }) {
  const k = seriesKey(scanType ?? mode ?? null);
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap text-xs text-slate-800" data-testid="scan-type" data-scan-type={k}>
      <span aria-hidden="true" className="h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: SCAN_TYPE_COLORS[k] }} />
      {SCAN_TYPE_LABELS[k]}
    </span>
  );
}

export function changesText(r: Pick<RunDto, 'new' | 'modified' | 'deleted' | 'moved'>): string {
  return `+${r.new} ~${r.modified} −${r.deleted} →${r.moved}`;
}

export function RunHistoryTable({ runs, runHref, now, caption, showProject = false }: {
  runs: RunDto[]; runHref: (run: RunDto) => string; now: string; caption: string; showProject?: boolean;
}) {
  return (
    <Table testId="run-history" caption={`${caption}. Changes are new (+), modified (~), deleted (−) and moved (→).`}>
        <THead className="hidden md:table-header-group">
            <Th>Status</Th>
            {showProject && <Th>Project</Th>}
            <Th>Scan type</Th>
            <Th>Trigger</Th>
            <Th>Started</Th>
            <Th numeric>Duration</Th>
            <Th><abbr title="new + · modified ~ · deleted − · moved →" className="no-underline">Changes</abbr></Th>
            <Th numeric>Skipped</Th>
            <Th numeric>Errors</Th>
        </THead>
        <TBody>
          {runs.map((r) => (
            <tr key={r.id} data-testid="run-row" data-run-id={r.id} data-summary={r.summary} className="grid grid-cols-2 gap-x-3 gap-y-1 px-3 py-2 hover:bg-slate-50 md:table-row md:px-0 md:py-0">
              <td className="md:px-3 md:py-2"><Link href={runHref(r)} className="inline-flex rounded focus:outline-none focus:ring-2 focus:ring-blue-300"><RunStatus run={r} /><span className="sr-only">, run started {formatUtc(r.started_at, 'second')}: {r.summary}</span></Link></td>
              {showProject && <td className="md:px-3 md:py-2 text-xs font-medium text-slate-900">{r.project}</td>}
              <td className="md:px-3 md:py-2"><ScanTypeTag scanType={r.scan_type} mode={r.mode} /></td>
              <td className="text-xs text-slate-700 md:px-3 md:py-2"><span className="md:hidden">Trigger: </span>{TRIGGER_LABELS[r.trigger] ?? r.trigger}</td>
              <td className="text-xs text-slate-700 md:px-3 md:py-2"><RelativeTime iso={r.started_at} now={now} /></td>
              <td className="text-xs tabular-nums text-slate-700 md:px-3 md:py-2 md:text-right"><span className="md:hidden">Took </span>{formatDuration(r.duration_ms)}</td>
              <td className="font-mono text-xs text-slate-700 md:px-3 md:py-2" data-testid="run-changes">{changesText(r)}</td>
              <td className="text-xs tabular-nums md:px-3 md:py-2 md:text-right"><span className="md:hidden">Skipped: </span><span className={r.skipped ? 'font-semibold text-amber-800' : 'text-slate-600'}>{r.skipped}</span></td>
              <td className="text-xs tabular-nums md:px-3 md:py-2 md:text-right"><span className="md:hidden">Errors: </span><span className={r.errors ? 'font-semibold text-red-700' : 'text-slate-600'}>{r.errors}</span></td>
            </tr>
          ))}
        </TBody>
    </Table>
  );
}
