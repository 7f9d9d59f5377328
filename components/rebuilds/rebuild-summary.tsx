// The latest index rebuild and how it compares with the ones before it (median of up to ten), for
// the dashboard's tenant card. Server component.
import type { RebuildsDto } from '@/lib/sync-health/dashboard-data.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { RunStatus } from '@/components/runs/run-status.tsx';
import { formatCount } from '@/lib/format/plurals.ts';
import type { RebuildMode } from '@/tenant/src/sync/run-vocabulary.ts';

const MODE: Record<RebuildMode, string> = { rebuild: 'Full rebuild', catch_up: 'Catch-up' };

export function RebuildSummary({ data }: { data: RebuildsDto }) {
  const r = data.latest;
  if (!r) return <p data-testid="rebuild-summary" className="text-sm text-slate-700">No index rebuild recorded yet.</p>;
  const m = data.previous_median_ms;
  const ratio = m && m > 0 ? r.duration_ms / m : null;
  const cmp = ratio == null ? 'the first one recorded'
    : ratio > 1.2 ? `${Math.round((ratio - 1) * 100)}% slower than the median of the previous ${Math.min(10, data.rebuilds.length - 1)} (${formatDuration(m!)})`
      : ratio < 0.8 ? `${Math.round((1 - ratio) * 100)}% faster than the median of the previous ${Math.min(10, data.rebuilds.length - 1)} (${formatDuration(m!)})`
        : `about the same as the median of the previous ${Math.min(10, data.rebuilds.length - 1)} (${formatDuration(m!)})`;
  return (
    <div data-testid="rebuild-summary" className="text-sm text-slate-800">
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-medium">Latest index rebuild:</span>
        <span>{MODE[r.mode ?? 'rebuild']} of {formatCount(r.files_scanned)} files in {formatDuration(r.duration_ms)}</span>
        <RunStatus run={r} />
      </p>
      <p className="mt-0.5 text-xs text-slate-700" data-testid="rebuild-compare">{r.started_at.replace('T', ' ').slice(0, 16)} UTC · {cmp}.</p>
    </div>
  );
}
