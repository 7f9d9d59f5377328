// Settings of tenants' snapshots (restic): schedule, retention, where repositories live, how long a run may take.
// index.ts composes this section as `getConfig().snapshots`. Every variable is optional.
import { z } from 'zod';
import { envBool, envInt, envString } from './env.ts';

export const snapshotsEnvSchema = z.object({
  /** Take scheduled snapshots and apply retention in this app instance (manual ones work either way). */
  SNAPSHOT_SCHEDULE: envBool(true),
  /** Minutes between scheduled snapshots of each tenant (staggered across tenants by a hash of the id). */
  SNAPSHOT_INTERVAL_MINUTES: envInt(60, 5, 7 * 24 * 60, 'minutes between scheduled snapshots'),
  /** Retention of scheduled snapshots: the newest of each hour for this many hours … */
  SNAPSHOT_KEEP_HOURLY_HOURS: envInt(24, 0, 24 * 365, 'hours of hourly snapshots kept'),
  /** … the newest of each day for this many days … */
  SNAPSHOT_KEEP_DAILY_DAYS: envInt(30, 0, 3650, 'days of daily snapshots kept'),
  /** … and the newest of each week for this many weeks. Manual snapshots stay until deleted. */
  SNAPSHOT_KEEP_WEEKLY_WEEKS: envInt(12, 0, 520, 'weeks of weekly snapshots kept'),
  /** Hours between `restic forget --prune` runs of each tenant (staggered like the snapshots). */
  SNAPSHOT_PRUNE_INTERVAL_HOURS: envInt(24, 1, 24 * 30, 'hours between retention (forget + prune) runs'),
  /** Longest a snapshot (or a restore, a prune) may take before the call is given up. */
  SNAPSHOT_TIMEOUT_SECONDS: envInt(3600, 10, 86_400, 'seconds a snapshot may take'),
  /** Scheduled snapshots running at once in this app instance. */
  SNAPSHOT_CONCURRENCY: envInt(1, 1, 64, 'scheduled snapshots at once'),
  /**
   * Repository of each tenant, with `{tenant}` for the tenant id: a folder, `s3:https://host/bucket/{tenant}` or
   * `rest:https://user@host/{tenant}` (credentials through AWS_* / RESTIC_REST_* in the app's environment).
   * Default: `<TENANT_DATA_ROOT>/<tenant>/snapshots/repo`, beside the tenant's files.
   */
  SNAPSHOT_REPOSITORY: envString().pipe(z.string().includes('{tenant}', { error: 'expects a repository location containing {tenant}' }).optional()),
});

export type SnapshotsEnv = z.output<typeof snapshotsEnvSchema>;

export interface SnapshotsConfig {
  scheduleEnabled: boolean;
  intervalMs: number;
  keepHourlyHours: number;
  keepDailyDays: number;
  keepWeeklyWeeks: number;
  pruneIntervalMs: number;
  timeoutMs: number;
  concurrency: number;
  repositoryTemplate: string | null;
}

export function buildSnapshotsConfig(e: SnapshotsEnv): SnapshotsConfig {
  return {
    scheduleEnabled: e.SNAPSHOT_SCHEDULE,
    intervalMs: e.SNAPSHOT_INTERVAL_MINUTES * 60_000,
    keepHourlyHours: e.SNAPSHOT_KEEP_HOURLY_HOURS,
    keepDailyDays: e.SNAPSHOT_KEEP_DAILY_DAYS,
    keepWeeklyWeeks: e.SNAPSHOT_KEEP_WEEKLY_WEEKS,
    pruneIntervalMs: e.SNAPSHOT_PRUNE_INTERVAL_HOURS * 3_600_000,
    timeoutMs: e.SNAPSHOT_TIMEOUT_SECONDS * 1000,
    concurrency: e.SNAPSHOT_CONCURRENCY,
    repositoryTemplate: e.SNAPSHOT_REPOSITORY ?? null,
  };
}
