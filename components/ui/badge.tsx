// The one status badge: every status of the app (tenant lifecycle, project health, run outcome) maps to one
// tone here, and a tone is always drawn the same way. Colour never carries the meaning alone: the badge
// always says the status in words and shows the tone's icon.
import type { HTMLAttributes, ReactNode } from 'react';
import { HEALTH_STATE_NAMES, HEALTH_STATES, type HealthIcon as IconName, type HealthState } from '@/lib/sync-health/health-states.ts';
import type { TenantDto } from '@/lib/tenants/dto.ts';
import { HealthIcon } from './health-icon.tsx';

type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'brand';
/** A sync run's outcome: succeeded, succeeded with skipped files or errors, failed. */
export type RunOutcome = 'ok' | 'warning' | 'failed';
type Status = TenantDto['status'] | HealthState | RunOutcome;

const TENANT_TONES: Record<TenantDto['status'], Tone> = {
  provisioning: 'info', starting: 'info', rebuilding: 'info', running: 'success',
  degraded: 'warning', stopped: 'neutral', failed: 'danger', sleeping: 'neutral',
};
const OUTCOME_TONES: Record<RunOutcome, Tone> = { ok: 'success', warning: 'warning', failed: 'danger' };

/** Status → tone, for every status shown in a badge. Health states take the tone their definition gives them. */
const STATUS_TONE: Record<Status, Tone> = {
  ...TENANT_TONES,
  ...OUTCOME_TONES,
  ...(Object.fromEntries(HEALTH_STATE_NAMES.map((s) => [s, HEALTH_STATES[s].tone])) as Record<HealthState, Tone>),
};

const TONE_CLASS: Record<Tone, string> = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
  info: 'bg-sky-50 text-sky-800 ring-sky-200',
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-300',
  danger: 'bg-rose-50 text-rose-800 ring-rose-200',
  brand: 'bg-brand-50 text-brand-700 ring-blue-200',
};
const TONE_ICON: Record<Tone, IconName | null> = { neutral: 'dash', info: 'sync', success: 'check', warning: 'alert', danger: 'alert', brand: null };

type BadgeProps = Omit<HTMLAttributes<HTMLSpanElement>, 'children'> & {
  /** The label; the status itself when left out. */
  children?: ReactNode;
  testId?: string;
  /** Replaces the tone's icon (a health state has its own). */
  icon?: IconName | null;
  /** Spins the icon (something is in progress), unless the reader asked for less motion. */
  busy?: boolean;
} & ({ status: Status; tone?: never } | { tone: Tone; status?: never });

export function Badge({ status, tone, children, testId, icon, busy, className = '', ...rest }: BadgeProps) {
  const t = status ? STATUS_TONE[status] : tone!;
  const i = icon === undefined ? TONE_ICON[t] : icon;
  return (
    <span data-testid={testId} data-tone={t} className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE_CLASS[t]} ${className}`.trim()} {...rest}>
      {i && <HealthIcon name={i} className={`h-3.5 w-3.5 shrink-0 ${busy ? 'motion-safe:animate-spin' : ''}`} />}
      {children ?? status}
    </span>
  );
}
