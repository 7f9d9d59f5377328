// The display states of a project's health and what each one says (label, tone, colour token, icon,
// why + what to do). Plain data, no zod: client islands import it to draw badges.
/** Every display state, in their fixed precedence (most urgent first). */
export const HEALTH_STATE_NAMES = ['tenant_unavailable', 'syncing', 'failing', 'skipped_files', 'file_problems', 'late', 'down', 'never_synced', 'up_to_date'] as const;
export type HealthState = (typeof HEALTH_STATE_NAMES)[number];

type HealthTone = 'neutral' | 'info' | 'danger' | 'warning' | 'success';
export type HealthIcon = 'pause' | 'sync' | 'alert' | 'skip' | 'clock' | 'down' | 'dash' | 'check';

export interface HealthStateMeta {
  label: string;
  tone: HealthTone;
  /** Colour token (the state itself); badges colour by `tone`, through the one status→tone map in components/ui/badge.tsx. */
  color: HealthState;
  icon: HealthIcon;
  /** Why, in one sentence, and what to do. */
  why: string;
}

export const HEALTH_STATES: Record<HealthState, HealthStateMeta> = {
  tenant_unavailable: { label: 'Tenant not serving', tone: 'neutral', color: 'tenant_unavailable', icon: 'pause',
    why: 'Your tenant is not serving right now, so nothing syncs; history stays visible and syncing resumes when it runs again.' },
  syncing: { label: 'Syncing', tone: 'info', color: 'syncing', icon: 'sync',
    why: 'A sync of this project is running now; this updates when it ends.' },
  failing: { label: 'Failing', tone: 'danger', color: 'failing', icon: 'alert',
    why: 'The last sync failed or could not index some files; open its report for the errors, fix the cause and run a sync again.' },
  skipped_files: { label: 'Skipped files', tone: 'warning', color: 'skipped_files', icon: 'skip',
    why: 'Some files failed to index three times and are skipped; open the report to see which and why, then fix or remove them.' },
  file_problems: { label: 'Files not fully read', tone: 'warning', color: 'file_problems', icon: 'alert',
    why: 'Some files could not be read fully (broken frontmatter, invalid UTF-8…) and were indexed as plain text or by name; they stay listed under "Current problems" until fixed.' },
  late: { label: 'Late', tone: 'warning', color: 'late', icon: 'clock',
    why: 'No successful sync within the schedule and its grace; it may be catching up — run a sync now if it stays late.' },
  down: { label: 'Down', tone: 'danger', color: 'down', icon: 'down',
    why: 'No successful sync for a long time; check the tenant and run a full re-sync.' },
  never_synced: { label: 'Never synced', tone: 'neutral', color: 'never_synced', icon: 'dash',
    why: 'This project has no recorded sync yet; the first one runs on the schedule, or run one now.' },
  up_to_date: { label: 'Up to date', tone: 'success', color: 'up_to_date', icon: 'check',
    why: 'The last sync succeeded within the schedule and no files are skipped.' },
};

