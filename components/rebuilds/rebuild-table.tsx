// Every index rebuild of a tenant: mode, files, duration, when, outcome.
import { RunStatus } from '@/components/runs/run-status.tsx';
import { ScanTypeTag } from '@/components/runs/run-history-table.tsx';
import type { RunDto } from '@/lib/sync-health/run-dto.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { formatCount } from '@/lib/format/plurals.ts';

export function RebuildTable({ rebuilds }: { rebuilds: RunDto[] }) {
  if (rebuilds.length === 0) return <p data-testid="rebuilds-empty" className="rounded-xl border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700">No index rebuild recorded yet.</p>;
  return (
    <div tabIndex={0} role="region" aria-label="Index rebuilds (scrolls sideways on narrow screens)" className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus:outline-none focus:ring-2 focus:ring-blue-300">
      <table data-testid="rebuild-table" className="w-full text-left text-sm">
        <caption className="sr-only">Index rebuilds, newest first</caption>
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Outcome</th>
            <th scope="col" className="px-3 py-2 font-medium">Mode</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Files</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Duration</th>
            <th scope="col" className="px-3 py-2 font-medium">When (UTC)</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rebuilds.map((r) => (
            <tr key={r.id} data-testid="rebuild-row">
              <td className="px-3 py-2"><RunStatus run={r} compact /></td>
              <td className="px-3 py-2"><ScanTypeTag scanType={null} mode={r.mode ?? 'rebuild'} /></td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.files_scanned)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatDuration(r.duration_ms)}</td>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-xs">{r.started_at.replace('T', ' ').slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
