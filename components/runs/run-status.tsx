// A run's outcome as the status badge: succeeded, succeeded with skipped files/errors, failed.
import { Badge, type RunOutcome } from '@/components/ui/badge.tsx';
import type { RunDto } from '@/lib/sync-health/run-dto.ts';

function runOutcome(r: Pick<RunDto, 'status' | 'skipped' | 'errors'>): RunOutcome {
  if (r.status !== 'ok') return 'failed';
  return r.skipped > 0 || r.errors > 0 ? 'warning' : 'ok';
}
const TEXT: Record<RunOutcome, string> = { ok: 'Succeeded', warning: 'With problems', failed: 'Failed' };

export function RunStatus({ run, compact = false }: { run: Pick<RunDto, 'status' | 'skipped' | 'errors'>; compact?: boolean }) {
  const o = runOutcome(run);
  return (
    <Badge status={o} testId="run-status" data-outcome={o} className={compact ? 'px-1 py-0.5' : ''}>
      <span className={compact ? 'sr-only' : ''}>{TEXT[o]}</span>
    </Badge>
  );
}
