// The run-history filters as a plain GET form (works without JavaScript; the state lives in the URL).
import { SCAN_TYPE_LABELS } from '@/components/ui/charts/palette.ts';
import { TRIGGER_LABELS } from '@/components/runs/run-history-table.tsx';
import { Outcome, OUTCOME_LABELS, RANGE_LABELS, RangeFilter, ScanTypeFilter, TriggerFilter, type RunFilters } from '@/lib/sync-health/run-filters.ts';
import { Button } from '@/components/ui/button.tsx';

const sel = 'mt-1 block w-full min-w-0 rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm';
const dateValue = (d: Date) => d.toISOString().slice(0, 16);

export function RunFiltersForm({ action, filters }: { action: string; filters: RunFilters }) {
  return (
    <form method="get" action={action} data-testid="run-filters" aria-label="Filter runs" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6 lg:items-end">
      <label className="min-w-0 text-xs text-slate-700">Outcome
        <select name="outcome" defaultValue={filters.outcome ?? ''} className={sel} data-testid="filter-outcome">
          <option value="">Any</option>
          {Outcome.options.map((o) => <option key={o} value={o}>{OUTCOME_LABELS[o]}</option>)}
        </select>
      </label>
      <label className="min-w-0 text-xs text-slate-700">Scan type
        <select name="scan_type" defaultValue={filters.scanType ?? ''} className={sel} data-testid="filter-scan-type">
          <option value="">Any</option>
          {ScanTypeFilter.options.map((o) => <option key={o} value={o}>{SCAN_TYPE_LABELS[o]}</option>)}
        </select>
      </label>
      <label className="min-w-0 text-xs text-slate-700">Trigger
        <select name="trigger" defaultValue={filters.trigger ?? ''} className={sel} data-testid="filter-trigger">
          <option value="">Any</option>
          {TriggerFilter.options.map((o) => <option key={o} value={o}>{TRIGGER_LABELS[o] ?? o}</option>)}
        </select>
      </label>
      <label className="min-w-0 text-xs text-slate-700">Time range
        <select name="range" defaultValue={filters.range} className={sel} data-testid="filter-range">
          {RangeFilter.options.map((o) => <option key={o} value={o}>{RANGE_LABELS[o]}</option>)}
        </select>
      </label>
      <label className="min-w-0 text-xs text-slate-700">From (custom, UTC)
        <input type="datetime-local" name="from" defaultValue={filters.range === 'custom' ? dateValue(filters.from) : ''} className={sel} />
      </label>
      <div className="flex min-w-0 items-end gap-2">
        <label className="min-w-0 flex-1 text-xs text-slate-700">To (custom, UTC)
          <input type="datetime-local" name="to" defaultValue={filters.range === 'custom' ? dateValue(filters.to) : ''} className={sel} />
        </label>
      </div>
      <div className="col-span-2 flex gap-2 sm:col-span-3 lg:col-span-6">
        <Button type="submit" size="sm" variant="primary" data-testid="filter-apply">Apply filters</Button>
        <a href={action} className="rounded-lg px-3 py-1.5 text-xs font-medium text-brand-700 hover:underline">Clear</a>
      </div>
    </form>
  );
}
