// Every index rebuild of a tenant: mode, files, duration, when, outcome.
import { RunStatus } from '@/components/runs/run-status.tsx';
import { ScanTypeTag } from '@/components/runs/run-history-table.tsx';
import type { RunDto } from '@/lib/sync-health/run-dto.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { formatCount } from '@/lib/format/plurals.ts';
import { cardClass } from '@/components/ui/card.tsx';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';
import { formatUtc } from '@/lib/format/dates.ts';

export function RebuildTable({ rebuilds }: { rebuilds: RunDto[] }) {
  if (rebuilds.length === 0) return <p data-testid="rebuilds-empty" className={cardClass({ dashed: true, className: 'text-sm text-slate-700' })}>No index rebuild recorded yet.</p>;
  return (
    <Table label="Index rebuilds (scrolls sideways on narrow screens)" testId="rebuild-table" caption="Index rebuilds, newest first">
      <THead><Th>Outcome</Th><Th>Mode</Th><Th numeric>Files</Th><Th numeric>Duration</Th><Th>When</Th></THead>
      <TBody>
          {rebuilds.map((r) => (
            <tr key={r.id} data-testid="rebuild-row">
              <td className="px-3 py-2"><RunStatus run={r} compact /></td>
              <td className="px-3 py-2"><ScanTypeTag scanType={null} mode={r.mode ?? 'rebuild'} /></td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.files_scanned)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatDuration(r.duration_ms)}</td>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-xs">{formatUtc(r.started_at, 'second')}</td>
            </tr>
          ))}
        </TBody>
    </Table>
  );
}
