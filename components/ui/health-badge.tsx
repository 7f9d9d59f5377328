// A project's derived health: icon + label (never colour alone) + the "why and what to do" sentence
// as a tooltip (title) and as text for screen readers.
import { HEALTH_STATES, type HealthState } from '@/lib/sync-health/health-states.ts';
import { HEALTH_COLORS } from './charts/palette.ts';
import { HealthIcon } from './health-icon.tsx';

export function HealthBadge({ state, why, testId = 'health-badge' }: { state: HealthState; why?: string; testId?: string }) {
  const meta = HEALTH_STATES[state];
  const c = HEALTH_COLORS[state];
  const sentence = why ?? meta.why;
  return (
    <span
      data-testid={testId} data-state={state} title={sentence}
      className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset"
      style={{ color: c.fg, backgroundColor: c.bg, ['--tw-ring-color' as string]: c.ring }}
    >
      <HealthIcon name={meta.icon} className={`h-3.5 w-3.5 ${state === 'syncing' ? 'motion-safe:animate-spin' : ''}`} />
      {meta.label}
      <span className="sr-only">: {sentence}</span>
    </span>
  );
}
