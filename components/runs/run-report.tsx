// The full report of one run: the summary sentence first, then scan type (with what it means),
// trigger, start/end, phase durations, counts, peak memory; the changed paths (capped, saying how many
// more); skipped files with reason, failure count, first and last failure; errors and warnings with
// path and message, grouped by kind. Nothing is hidden behind "N failed" without the names.
import { SCAN_TYPE_EXPLANATIONS, seriesKey } from '@/components/ui/charts/palette.ts';
import type { ProblemDto, RunDetailDto } from '@/lib/sync-health/run-dto.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { RunStatus } from './run-status.tsx';
import { ScanTypeTag, TRIGGER_LABELS } from './run-history-table.tsx';
import { formatCount } from '@/lib/format/plurals.ts';
import { formatBytes } from '@/lib/format/sizes.ts';
import { Card } from '@/components/ui/card.tsx';

const PATH_CAP = 20;
const utc = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 23) + ' UTC' : '—');

/** Problems grouped by kind: the message up to its first ":" or "(", so 40 "malformed YAML" lines read as one group. */
function groupByKind(list: ProblemDto[]): { kind: string; items: ProblemDto[] }[] {
  const groups = new Map<string, ProblemDto[]>();
  for (const p of list) {
    const kind = (p.message.split(/[:(]/)[0] ?? p.message).trim().slice(0, 80) || 'Other';
    const g = groups.get(kind);
    if (g) g.push(p); else groups.set(kind, [p]);
  }
  return [...groups].map(([kind, items]) => ({ kind, items }));
}

function PathList({ title, paths, testId, total }: { title: string; paths: string[]; testId: string; total: number }) {
  if (total === 0) return null;
  const shown = paths.slice(0, PATH_CAP);
  const more = total - shown.length;
  return (
    <div data-testid={testId}>
      <h4 className="text-xs font-semibold text-slate-700">{title} ({total})</h4>
      <ul className="mt-1 space-y-0.5 font-mono text-xs text-slate-800">
        {shown.map((p) => <li key={p} className="break-all">{p}</li>)}
      </ul>
      {more > 0 && <p className="mt-1 text-xs text-slate-600" data-testid={`${testId}-more`}>… and {more} more not listed{paths.length < total ? ' (the tenant keeps the first 200 paths of a run)' : ''}.</p>}
    </div>
  );
}

function Problems({ title, list, testId, tone }: { title: string; list: ProblemDto[]; testId: string; tone: 'red' | 'amber' }) {
  if (list.length === 0) return null;
  return (
    <section data-testid={testId} className="mt-4">
      <h3 className={`text-sm font-semibold ${tone === 'red' ? 'text-red-800' : 'text-amber-900'}`}>{title} ({list.length})</h3>
      {groupByKind(list).map((g) => (
        <div key={g.kind} className="mt-2">
          <h4 className="text-xs font-medium text-slate-700">{g.kind} — {g.items.length}</h4>
          <ul className="mt-1 divide-y divide-slate-100 rounded-lg border border-slate-200">
            {g.items.map((p, i) => (
              <li key={i} className="px-3 py-1.5 text-xs" data-testid={`${testId}-item`}>
                <span className="break-all font-mono text-slate-900">{p.path || '(project)'}</span>
                <span className="block text-slate-700">{p.message}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

export function RunReport({ run, heading = 'Latest report' }: { run: RunDetailDto; heading?: string }) {
  const k = seriesKey(run.scan_type ?? run.mode);
  const ch = run.changes;
  const moves = ch ? Object.entries(ch.moves).map(([from, to]) => `${from} → ${to}`) : [];
  return (
    <Card as="section" data-testid="run-report" data-run-id={run.id}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">{heading}</h2>
        <RunStatus run={run} />
      </div>
      <p data-testid="run-summary" className="mt-2 text-base font-medium text-slate-900">{run.summary}</p>
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
        <div className="sm:col-span-2 lg:col-span-3"><dt className="text-xs text-slate-600">Scan type</dt><dd><ScanTypeTag scanType={run.scan_type} mode={run.mode} /> <span className="text-xs text-slate-700" data-testid="scan-type-explanation">{SCAN_TYPE_EXPLANATIONS[k]}</span></dd></div>
        <div><dt className="text-xs text-slate-600">Trigger</dt><dd className="text-slate-900">{TRIGGER_LABELS[run.trigger] ?? run.trigger}</dd></div>
        <div><dt className="text-xs text-slate-600">Started</dt><dd className="tabular-nums text-slate-900">{utc(run.started_at)}</dd></div>
        <div><dt className="text-xs text-slate-600">Finished</dt><dd className="tabular-nums text-slate-900">{utc(run.finished_at)}</dd></div>
        <div><dt className="text-xs text-slate-600">Duration (scan · apply)</dt><dd className="tabular-nums text-slate-900">{formatDuration(run.duration_ms)} ({formatDuration(run.scan_ms)} · {formatDuration(run.apply_ms)})</dd></div>
        <div><dt className="text-xs text-slate-600">Files checked</dt><dd className="tabular-nums text-slate-900">{formatCount(run.files_scanned)}</dd></div>
        <div><dt className="text-xs text-slate-600">Peak memory</dt><dd className="tabular-nums text-slate-900">{formatBytes(run.peak_rss_bytes)}</dd></div>
        <div className="sm:col-span-2 lg:col-span-3">
          <dt className="text-xs text-slate-600">Counts</dt>
          <dd className="text-slate-900" data-testid="run-counts">{run.new} new · {run.modified} modified · {run.deleted} deleted · {run.moved} moved · {run.skipped} skipped · {run.errors} errors · {run.warnings.length} warnings</dd>
        </div>
      </dl>

      {ch && (ch.new.length + ch.modified.length + ch.deleted.length + moves.length > 0) && (
        <section className="mt-4 grid gap-3 sm:grid-cols-2" data-testid="run-changes-list">
          <h3 className="sr-only">Changed paths</h3>
          <PathList title="New" paths={ch.new} total={run.new} testId="changes-new" />
          <PathList title="Modified" paths={ch.modified} total={run.modified} testId="changes-modified" />
          <PathList title="Deleted" paths={ch.deleted} total={run.deleted} testId="changes-deleted" />
          <PathList title="Moved" paths={moves} total={run.moved} testId="changes-moved" />
        </section>
      )}

      {run.skipped_files.length > 0 && (
        <section data-testid="skipped-files" className="mt-4">
          <h3 className="text-sm font-semibold text-amber-900">Skipped files ({run.skipped_files.length})</h3>
          <p className="text-xs text-slate-700">These files failed to index three times in a row and are skipped until they change. Fix or remove them; the next sync retries a changed file.</p>
          <div className="mt-2 overflow-x-auto focus:outline-none focus:ring-2 focus:ring-blue-300" tabIndex={0} role="region" aria-label="Skipped files (scrolls sideways on narrow screens)">
            <table className="w-full text-left text-xs">
              <thead className="text-slate-600"><tr><th scope="col" className="py-1 pr-3 font-medium">Path</th><th scope="col" className="py-1 pr-3 font-medium">Reason</th><th scope="col" className="py-1 pr-3 text-right font-medium">Failures</th><th scope="col" className="py-1 pr-3 font-medium">First failed</th><th scope="col" className="py-1 font-medium">Last failed</th></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {run.skipped_files.map((f) => (
                  <tr key={f.path} data-testid="skipped-file">
                    <td className="break-all py-1 pr-3 font-mono text-slate-900">{f.path}</td>
                    <td className="py-1 pr-3 text-slate-800">{f.reason}</td>
                    <td className="py-1 pr-3 text-right tabular-nums">{f.failure_count}</td>
                    <td className="py-1 pr-3 tabular-nums">{utc(f.first_failed ?? null)}</td>
                    <td className="py-1 tabular-nums">{utc(f.last_failed ?? null)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <Problems title="Errors" list={run.error_list} testId="run-errors" tone="red" />
      <Problems title="Warnings" list={run.warnings} testId="run-warnings" tone="amber" />
    </Card>
  );
}
