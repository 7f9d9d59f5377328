// One display state per project, derived from its latest runs, its tenant's status and the sync
// schedule, with a fixed precedence (as Syncthing's folder status): the first rule that matches wins.
// Pure: no clock, no database — `now` and the inputs come in, so the ops views and the person's
// dashboard show the same state for the same facts.
import { z } from 'zod';
import type { SyncHealthSettings } from '../config/sync-health.ts';
import { HEALTH_STATE_NAMES, HEALTH_STATES, type HealthStateMeta } from './health-states.ts';

// The states and their metadata live in health-states.ts (no zod), so client islands that only
// draw a badge do not ship zod; the zod enum for parsing is built here from the same names.
export const HealthState = z.enum(HEALTH_STATE_NAMES);
export type HealthState = z.infer<typeof HealthState>;

/** Fixed precedence, most urgent first. */
export const HEALTH_PRECEDENCE: readonly HealthState[] = HealthState.options;

export { HEALTH_STATES } from './health-states.ts';

interface RunFacts {
  status: string;
  /** finished_at, or started_at when unknown */
  at: Date;
  skipped?: number;
  /** Files the run could not index (the run itself completed). */
  errors?: number;
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
  /** Files with a problem now, whichever run met it (the tenant's GET /sync/problems); null when unknown. */
  currentProblems?: { errors: number; skipped: number; warnings: number } | null;
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
  // "Failed or errored": a run that completed but could not index some files is failing too.
  if (input.latestRun && (FAILED.has(input.latestRun.status) || (input.latestRun.errors ?? 0) > 0)) return pick('failing');
  const now = input.currentProblems ?? null;
  if (now && now.errors > 0) return pick('failing');
  const skipped = Math.max(input.skippedCount ?? input.latestRun?.skipped ?? 0, now?.skipped ?? 0);
  if (skipped > 0) return pick('skipped_files');
  if (now && now.warnings > 0) return pick('file_problems');
  if (input.latestSuccessfulRun && input.intervalSeconds > 0) {
    const s = sinceSuccessSeconds!;
    if (s > w.downSeconds) return pick('down');
    if (s > input.intervalSeconds + w.graceSeconds) return pick('late');
  }
  if (!input.latestRun && !input.latestSuccessfulRun) return pick('never_synced');
  return pick('up_to_date');
}
