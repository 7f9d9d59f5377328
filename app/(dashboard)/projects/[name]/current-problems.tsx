// Files of this project with a problem now, whichever sync first met them: they stay listed until the file is fixed
// or removed (the latest run's report alone would forget them after one run).
import { formatUtc } from '@/lib/format/dates.ts';
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
    <section aria-labelledby="problems-h" data-testid="current-problems" className="rounded-xl border border-amber-200 bg-white p-4 shadow-sm">
      <h2 id="problems-h" className="text-base font-semibold text-amber-900">Current problems ({total} file{total === 1 ? '' : 's'})</h2>
      <p className="text-sm text-slate-700">{parts}. These files stay listed until they are fixed or removed; the next sync after a change reads them again.</p>
      <div className="mt-2 overflow-x-auto focus:outline-none focus:ring-2 focus:ring-blue-300" tabIndex={0} role="region" aria-label="Current problems (scrolls sideways on narrow screens)">
        <table className="w-full min-w-[36rem] text-left text-xs">
          <caption className="sr-only">Files with a problem now</caption>
          <thead className="text-slate-600"><tr><th scope="col" className="py-1 pr-3 font-medium">File</th><th scope="col" className="py-1 pr-3 font-medium">Problem</th><th scope="col" className="py-1 pr-3 font-medium">Details</th><th scope="col" className="py-1 font-medium">Since</th></tr></thead>
          <tbody className="divide-y divide-slate-100">
            {problems.files.map((f) => (
              <tr key={f.path} data-testid="current-problem" data-kind={f.kind}>
                <td className="break-all py-1 pr-3 font-mono text-slate-900">{f.path}</td>
                <td className="py-1 pr-3 text-slate-800">{KIND_LABEL[f.kind]}{f.failure_count > 1 ? ` (${f.failure_count} failures)` : ''}</td>
                <td className="break-words py-1 pr-3 text-slate-800">{f.message}</td>
                <td className="py-1 tabular-nums">{formatUtc(f.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problems.files.length < total && <p className="mt-1 text-xs text-slate-700">Showing the first {problems.files.length}.</p>}
    </section>
  );
}
