// Guards and settings shared by the ops pages and their JSON routes (/api/ops/...).
import { getSessionUser, isOps, type SessionUser } from '../auth/session.ts';
import { getConfig } from '../config/index.ts';
import { getSyncHealthSettings } from '../config/sync-health.ts';
import { notFound as notFoundError } from '../http/errors.ts';
import type { OpsSettings } from '../db/queries/ops-fleet.ts';
import { defaultStaleAfterMs } from './needs-attention.ts';

/** Route handlers: an ops/admin user, else 404 JSON (signed out or not ops alike: the routes do not exist for them). */
export async function requireApiOps(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user || !isOps(user)) throw notFoundError('Not found.');
  return user;
}

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
