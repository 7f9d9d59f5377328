// One display state per project, derived from its latest runs, its tenant's status and the sync
// schedule, with a fixed precedence (as Syncthing's folder status): the first rule that matches wins.
// Pure: no clock, no database — `now` and the inputs come in, so the ops views and the person's
// dashboard show the same state for the same facts.
import { z } from 'zod';
import type { SyncHealthSettings } from '../config/sync-health.ts';

export const HealthState = z.enum([
  'tenant_unavailable', 'syncing', 'failing', 'skipped_files', 'late', 'down', 'never_synced', 'up_to_date',
]);
export type HealthState = z.infer<typeof HealthState>;

/** Fixed precedence, most urgent first. */
export const HEALTH_PRECEDENCE: readonly HealthState[] = HealthState.options;

export type HealthTone = 'neutral' | 'info' | 'danger' | 'warning' | 'success';
export type HealthIcon = 'pause' | 'sync' | 'alert' | 'skip' | 'clock' | 'down' | 'dash' | 'check';

export interface HealthStateMeta {
  label: string;
  tone: HealthTone;
  /** Colour token in components/ui/charts/palette.ts (HEALTH_COLORS). */
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
    why: 'The last sync failed; open its report for the error, fix the cause and run a sync again.' },
  skipped_files: { label: 'Skipped files', tone: 'warning', color: 'skipped_files', icon: 'skip',
    why: 'Some files failed to index three times and are skipped; open the report to see which and why, then fix or remove them.' },
  late: { label: 'Late', tone: 'warning', color: 'late', icon: 'clock',
    why: 'No successful sync within the schedule and its grace; it may be catching up — run a sync now if it stays late.' },
  down: { label: 'Down', tone: 'danger', color: 'down', icon: 'down',
    why: 'No successful sync for a long time; check the tenant and run a full re-sync.' },
  never_synced: { label: 'Never synced', tone: 'neutral', color: 'never_synced', icon: 'dash',
    why: 'This project has no recorded sync yet; the first one runs on the schedule, or run one now.' },
  up_to_date: { label: 'Up to date', tone: 'success', color: 'up_to_date', icon: 'check',
    why: 'The last sync succeeded within the schedule and no files are skipped.' },
};

/** Tenant states in which a tenant serves requests (rebuilding serves reads but is reported as not serving syncs). */
export const SERVING_TENANT_STATUSES = ['running'] as const;

export interface RunFacts {
  status: string;
  /** finished_at, or started_at when unknown */
  at: Date;
  skipped?: number;
}

export interface ProjectHealthInput {
  /** The newest run of the project (any outcome), or null. */
  latestRun: RunFacts | null;
  /** The newest successful run, or null. */
  latestSuccessfulRun: { at: Date } | null;
  /** A run of this project is in flight now (from the tenant). */
  inFlight: boolean;
  /** Skipped files as of the latest run (defaults to latestRun.skipped). */
  skippedCount?: number;
  tenantStatus: string;
  /** The tenant's sync interval in seconds (0 = no schedule). */
  intervalSeconds: number;
}

export interface HealthWindows { graceSeconds: number; downSeconds: number }

/** Grace and down windows: the settings when set, otherwise derived from the interval (see lib/config/sync-health.ts). */
export function healthWindows(intervalSeconds: number, settings: SyncHealthSettings = { graceSeconds: null, downSeconds: null }): HealthWindows {
  const i = Math.max(0, intervalSeconds);
  return {
    graceSeconds: settings.graceSeconds ?? Math.max(60, 2 * i),
    downSeconds: settings.downSeconds ?? Math.max(15 * 60, 20 * i),
  };
}

export interface ProjectHealth extends HealthStateMeta {
  state: HealthState;
  /** Seconds since the last successful sync, if any. */
  sinceSuccessSeconds: number | null;
}

const FAILED = new Set(['failed', 'error', 'errored']);

/** The one display state of a project. `opts.now` is the clock; `opts.settings` the grace/down overrides. */
export function deriveProjectHealth(input: ProjectHealthInput, opts: { now: Date; settings?: SyncHealthSettings }): ProjectHealth {
  const w = healthWindows(input.intervalSeconds, opts.settings);
  const sinceSuccessSeconds = input.latestSuccessfulRun ? (opts.now.getTime() - input.latestSuccessfulRun.at.getTime()) / 1000 : null;
  const pick = (state: HealthState): ProjectHealth => ({ state, ...HEALTH_STATES[state], sinceSuccessSeconds });
  if (input.tenantStatus !== 'running') return pick('tenant_unavailable');
  if (input.inFlight) return pick('syncing');
  if (input.latestRun && FAILED.has(input.latestRun.status)) return pick('failing');
  const skipped = input.skippedCount ?? input.latestRun?.skipped ?? 0;
  if (skipped > 0) return pick('skipped_files');
  if (input.latestSuccessfulRun && input.intervalSeconds > 0) {
    const s = sinceSuccessSeconds!;
    if (s > w.downSeconds) return pick('down');
    if (s > input.intervalSeconds + w.graceSeconds) return pick('late');
  }
  if (!input.latestRun && !input.latestSuccessfulRun) return pick('never_synced');
  return pick('up_to_date');
}
