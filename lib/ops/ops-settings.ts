// Settings shared by the ops pages and their JSON routes (/api/ops/...).
import { getConfig } from '../config/index.ts';
import { getSyncHealthSettings } from '../config/sync-health.ts';
import type { OpsSettings } from '../db/queries/ops-fleet.ts';
import { defaultStaleAfterMs } from './needs-attention.ts';

export function opsSettings(): OpsSettings {
  const { tenants } = getConfig();
  return {
    syncIntervalSeconds: tenants.syncIntervalSeconds,
    crashWindowMs: tenants.crashWindowMs,
    staleAfterMs: defaultStaleAfterMs(tenants.collectorIntervalMs),
    snapshotIntervalMs: getConfig().snapshots.intervalMs,
    health: getSyncHealthSettings(),
  };
}
