// Settings of the derived project health (lib/sync-health/project-health.ts): how long after the
// schedule a project reads "late" and then "down". Both default from the tenant sync interval:
//   grace = 2 × interval, at least 60 s (a tick can be skipped while a long sync still runs, and the
//           collector needs up to SYNC_COLLECTOR_INTERVAL_MS to bring a finished run in);
//   down  = 20 × interval, at least 15 min (well past any jitter or restart: something is wrong).
// Setting either variable to a number of seconds overrides the derived value.
import { z } from 'zod';
import { envInt } from './env.ts';

const syncHealthEnvSchema = z.object({
  /** Seconds after the sync interval before a project is "late"; 0 = derived (2 × interval, min 60 s). */
  SYNC_HEALTH_GRACE_SECONDS: envInt(0, 0, 30 * 86_400, 'seconds of grace after the sync interval (0 = derived)'),
  /** Seconds without a successful sync before a project is "down"; 0 = derived (20 × interval, min 15 min). */
  SYNC_HEALTH_DOWN_SECONDS: envInt(0, 0, 365 * 86_400, 'seconds without a successful sync before "down" (0 = derived)'),
});

export interface SyncHealthSettings {
  /** null = derive from the interval */
  graceSeconds: number | null;
  downSeconds: number | null;
}

/** Parses the two variables (throws a zod error naming the variable on bad input). */
export function loadSyncHealthSettings(env: Record<string, string | undefined> = process.env): SyncHealthSettings {
  const r = syncHealthEnvSchema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`Invalid configuration: ${String(i.path[0])}: ${i.message}`);
  }
  return {
    graceSeconds: r.data.SYNC_HEALTH_GRACE_SECONDS || null,
    downSeconds: r.data.SYNC_HEALTH_DOWN_SECONDS || null,
  };
}

let memo: SyncHealthSettings | null = null;
/** The process's settings (memoized). */
export function getSyncHealthSettings(): SyncHealthSettings {
  return (memo ??= loadSyncHealthSettings());
}
