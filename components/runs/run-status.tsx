// A run's outcome as a dot + word: succeeded, succeeded with skipped files/errors, failed.
import { OUTCOME_COLORS } from '@/components/ui/charts/palette.ts';
import type { RunDto } from '@/lib/sync-health/run-dto.ts';

export type RunOutcome = 'ok' | 'warning' | 'failed';
function runOutcome(r: Pick<RunDto, 'status' | 'skipped' | 'errors'>): RunOutcome {
  if (r.status !== 'ok') return 'failed';
  return r.skipped > 0 || r.errors > 0 ? 'warning' : 'ok';
}
const TEXT: Record<RunOutcome, string> = { ok: 'Succeeded', warning: 'With problems', failed: 'Failed' };
const GLYPH: Record<RunOutcome, string> = { ok: '✓', warning: '!', failed: '✕' };

export function RunStatus({ run, compact = false }: { run: Pick<RunDto, 'status' | 'skipped' | 'errors'>; compact?: boolean }) {
  const o = runOutcome(run);
  const color = OUTCOME_COLORS[o];
  return (
    <span data-testid="run-status" data-outcome={o} className="inline-flex items-center gap-1.5 whitespace-nowrap text-xs font-medium" style={{ color }}>
      <span aria-hidden="true" className="inline-flex h-4 w-4 items-center justify-center rounded-full text-[10px] font-bold text-white" style={{ backgroundColor: color }}>{GLYPH[o]}</span>
      <span className={compact ? 'sr-only' : ''}>{TEXT[o]}</span>
    </span>
  );
}
