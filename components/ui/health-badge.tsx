// A project's derived health: the status badge with the state's own icon, its label, and the "why and what
// to do" sentence as a tooltip (title) and as text for screen readers.
import { HEALTH_STATES, type HealthState } from '@/lib/sync-health/health-states.ts';
import { Badge } from './badge.tsx';

export function HealthBadge({ state, why, testId = 'health-badge' }: { state: HealthState; why?: string; testId?: string }) {
  const meta = HEALTH_STATES[state];
  const sentence = why ?? meta.why;
  return (
    <Badge status={state} icon={meta.icon} busy={state === 'syncing'} testId={testId} data-state={state} title={sentence}>
      {meta.label}
      <span className="sr-only">: {sentence}</span>
    </Badge>
  );
}
