// Settings of the sync-history store (issue 10): how long collected runs stay raw, how long hourly
// roll-ups are kept, how often the maintenance job runs; and who may read /metrics.
// index.ts composes this section as `getConfig().history`. Every variable is optional.
import { z } from 'zod';
import { envInt, envString } from './env.ts';

export const historyEnvSchema = z.object({
  /** Runs that changed, skipped or failed something, and every rebuild: kept raw this many days. */
  HISTORY_RAW_CHANGED_DAYS: envInt(90, 1, 3650, 'days to keep runs that changed something (and rebuilds) raw'),
  /** Runs that changed nothing: kept raw this many hours (they are counted in the roll-ups from the start). */
  // 24 h, not 48: a 30 s schedule makes 8 640 no-change rows per tenant a day at ≈ 400 B each (row + indexes);
  // 48 h of them alone is ≈ 220 KB per tenant per day over a 30-day history (bench:ops), past the 250 KB budget with roll-ups.
  HISTORY_RAW_NO_CHANGE_HOURS: envInt(24, 1, 24 * 365, 'hours to keep no-change runs raw'),
  /** Hourly roll-ups per tenant, project and scan type (and fleet-wide): kept this many days. */
  HISTORY_ROLLUP_DAYS: envInt(365, 1, 3650, 'days to keep hourly roll-ups'),
  /** How often the maintenance job (deletion past retention, in bounded batches) runs. */
  HISTORY_MAINTENANCE_INTERVAL_MS: envInt(60_000, 1000, 86_400_000, 'the history maintenance interval in milliseconds'),
  /** Rows deleted per statement (one short transaction each) by the maintenance job. */
  HISTORY_MAINTENANCE_BATCH: envInt(5000, 10, 1_000_000, 'rows per maintenance batch'),
  /** Bearer token for GET /metrics; unset = loopback callers only. */
  METRICS_TOKEN: envString().pipe(z.string().min(16, { error: 'expects at least 16 characters' }).optional()),
});

export type HistoryEnv = z.output<typeof historyEnvSchema>;

export interface HistoryConfig {
  rawChangedMs: number;
  rawNoChangeMs: number;
  rollupMs: number;
  maintenanceIntervalMs: number;
  maintenanceBatch: number;
  metricsToken: string | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function buildHistoryConfig(e: HistoryEnv): HistoryConfig {
  return {
    rawChangedMs: e.HISTORY_RAW_CHANGED_DAYS * DAY,
    rawNoChangeMs: e.HISTORY_RAW_NO_CHANGE_HOURS * HOUR,
    rollupMs: e.HISTORY_ROLLUP_DAYS * DAY,
    maintenanceIntervalMs: e.HISTORY_MAINTENANCE_INTERVAL_MS,
    maintenanceBatch: e.HISTORY_MAINTENANCE_BATCH,
    metricsToken: e.METRICS_TOKEN ?? null,
  };
}

export const DEFAULT_HISTORY_CONFIG: HistoryConfig = buildHistoryConfig(historyEnvSchema.parse({}));
