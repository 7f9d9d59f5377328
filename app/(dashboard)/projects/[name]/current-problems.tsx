// Files of this project with a problem now, whichever sync first met them: they stay listed until the file is fixed
// or removed (the latest run's report alone would forget them after one run).
import { Card } from '@/components/ui/card.tsx';
import { formatUtc } from '@/lib/format/dates.ts';
import { plural } from '@/lib/format/plurals.ts';
import type { CurrentProblemsDto } from '@/lib/sync-health/dashboard-data.ts';

const KIND_LABEL = { error: 'Could not be indexed (retried each sync)', skipped: 'Skipped after repeated failures', warning: 'Not fully read' } as const;

export function CurrentProblems({ problems }: { problems: CurrentProblemsDto | null }) {
  if (!problems) return null;
  const total = problems.errors + problems.skipped + problems.warnings;
  if (total === 0) return null;
  const parts = [
    problems.errors ? `${problems.errors} could not be indexed` : null,
    problems.skipped ? `${problems.skipped} skipped` : null,
    problems.warnings ? `${problems.warnings} not fully read` : null,
  ].filter(Boolean).join(', ');
  return (
    <Card as="section" aria-labelledby="problems-h" data-testid="current-problems" className="border-amber-200">
      <h2 id="problems-h" className="text-base font-semibold text-amber-900"><span aria-hidden="true">⚠ </span>Current problems ({plural(total, 'file')})</h2>
      <p className="text-sm text-slate-700">{parts}. These files stay listed until they are fixed or removed; the next sync after a change reads them again.</p>
      {/* A table from sm up; on a phone each file is a stacked block (no sideways scrolling). */}
      <table className="mt-2 w-full text-left text-xs">
        <caption className="sr-only">Files with a problem now</caption>
        <thead className="sr-only text-slate-600 sm:not-sr-only">
          <tr><th scope="col" className="py-1 pr-3 font-medium">File</th><th scope="col" className="py-1 pr-3 font-medium">Problem</th><th scope="col" className="py-1 pr-3 font-medium">Details</th><th scope="col" className="py-1 font-medium">Since</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {problems.files.map((f) => (
            <tr key={f.path} data-testid="current-problem" data-kind={f.kind} className="block py-2 sm:table-row sm:py-0">
              <td className="block break-all font-mono text-slate-900 sm:table-cell sm:py-1 sm:pr-3">{f.path}</td>
              <td className="block text-slate-800 sm:table-cell sm:py-1 sm:pr-3">{KIND_LABEL[f.kind]}{f.failure_count > 1 ? ` (${plural(f.failure_count, 'failure')})` : ''}</td>
              <td className="block break-words text-slate-800 sm:table-cell sm:py-1 sm:pr-3">{f.message}</td>
              <td className="block tabular-nums text-slate-600 sm:table-cell sm:py-1 sm:text-slate-800"><span className="sm:hidden">Since </span>{formatUtc(f.since)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.files.length < total && <p className="mt-1 text-xs text-slate-700">Showing the first {problems.files.length}.</p>}
    </Card>
  );
}
