// Background tenant services of this app process: the supervisor (with its local driver) and the
// sync-run collector. Started once from instrumentation.ts; memoized on globalThis so every Next
// bundle in the process (route handlers, pages) sees the same instance.
import { processAccessTokenCache } from '../auth/access-token-cache.ts';
import { getConfig } from '../config/index.ts';
import { getDb } from '../db/index.ts';
import type { Database } from '../db/client.ts';
import { getTenantRoute, requestTenantWake, type TenantRoute } from '../db/queries/tenants-runtime.ts';
import type { FastPathOptions } from './tenant-proxy-fast-path.ts';
import { isAsleepOrWaking, type TenantProxyDeps } from './tenant-proxy.ts';
import { getLogger } from '../log.ts';
import { HistoryMaintenance } from '../history/history-maintenance.ts';
import { onTenantCreated } from './events.ts';
import { capabilityDropPrefix } from './capability-drop.ts';
import { LocalTenantDriver } from './local-driver.ts';
import { SyncCollector } from './sync-collector.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { TenantSupervisor } from './tenant-supervisor.ts';

export interface TenantServices {
  supervisor: TenantSupervisor | null;
  collector: SyncCollector | null;
  driver: LocalTenantDriver | null;
  stop(): Promise<void>;
}

const KEY = Symbol.for('bmc.tenantServices');
const ROUTES = Symbol.for('bmc.tenantRouteCache');
const WAKES = Symbol.for('bmc.tenantWakes');
type Holder = {
  [KEY]?: Promise<TenantServices>; [ROUTES]?: Map<string, { at: number; route: TenantRoute | null }>;
  [WAKES]?: Map<string, Promise<TenantRoute | null>>;
};
const g = globalThis as Holder;

// ------------------------------------------------------------------------- route cache (proxy)

const ROUTE_TTL_MS = 1000;

function routeCache() {
  return (g[ROUTES] ??= new Map());
}

/** The tenant's route, cached for a second; the local supervisor invalidates on every change. */
export async function getCachedTenantRoute(db: Database, tenantId: string): Promise<TenantRoute | null> {
  const c = routeCache();
  const hit = c.get(tenantId);
  const now = Date.now();
  if (hit && now - hit.at < ROUTE_TTL_MS) return hit.route;
  const route = await getTenantRoute(db, tenantId);
  c.set(tenantId, { at: now, route });
  if (c.size > 10_000) c.clear();
  return route;
}

export function invalidateTenantRoute(tenantId: string): void {
  routeCache().delete(tenantId);
}

// ------------------------------------------------------------------------------- waking (proxy)

const WAKE_POLL_MS = 100;

/**
 * Wakes a sleeping tenant and waits until it runs, at most `timeoutMs`. One wake in flight per tenant in
 * this process (concurrent first requests share it); across instances the `sleeping` → `starting` update
 * happens once and the supervision lease decides who starts the process. Resolves with the route as last
 * seen: running, still waking (timed out), or whatever it became (failed, stopped, gone: null).
 */
export function wakeTenant(db: Database, tenantId: string, timeoutMs: number): Promise<TenantRoute | null> {
  const wakes = (g[WAKES] ??= new Map());
  let p = wakes.get(tenantId);
  if (!p) {
    p = (async () => {
      await requestTenantWake(db, tenantId);
      nudgeSupervisor(tenantId);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        invalidateTenantRoute(tenantId);
        const route = await getTenantRoute(db, tenantId);
        if (!route || route.desiredState === 'stopped' || !isAsleepOrWaking(route) || Date.now() >= deadline) return route;
        await new Promise((r) => setTimeout(r, WAKE_POLL_MS));
      }
    })().finally(() => { wakes.delete(tenantId); });
    wakes.set(tenantId, p);
  }
  return p;
}

/** What the tenant proxy needs (route handler and fast path share it). */
let proxyDeps: Promise<TenantProxyDeps> | null = null;
export function getTenantProxyDeps(): Promise<TenantProxyDeps> {
  return (proxyDeps ??= (async () => {
    const { app, tenants } = getConfig();
    const db = await getDb();
    return {
      getRoute: (id: string) => getCachedTenantRoute(db, id),
      invalidateRoute: invalidateTenantRoute,
      authSecret: app.authSecret,
      appOrigin: new URL(app.appUrl).origin,
      subscribeUrl: tenants.subscribeUrl,
      connectTimeoutMs: tenants.proxyConnectTimeoutMs,
      allowList: tenants.proxyAllowList,
      maxResponseBytes: tenants.proxyMaxResponseBytes,
      onRefusedAddress: (tenantId: string, host: string, port: number) => getLogger().child({ component: 'tenant-proxy' })
        .error({ alert: 'tenant_address_refused', tenantId, host, port }, 'a tenant route points outside the allowed addresses; not connected'),
      idleTimeoutMs: tenants.proxyIdleTimeoutMs,
      wake: (id: string) => wakeTenant(db, id, tenants.wakeTimeoutMs),
    };
  })().catch((err) => { proxyDeps = null; throw err; }));
}

/** What the node:http hook needs to serve Bearer /proxy/* itself (null when TENANT_PROXY_FAST_PATH=false). */
export function tenantProxyFastPathOptions(): FastPathOptions | null {
  if (!getConfig().tenants.proxyFastPath) return null;
  const log = getLogger().child({ component: 'tenant-proxy' });
  return {
    db: getDb, deps: getTenantProxyDeps, tokenCache: () => processAccessTokenCache(getConfig().oauth.accessTokenCacheMs),
    log: (msg, fields) => log.error(fields ?? {}, msg),
  };
}

/** What the node:http hook needs to serve /proxy/webdav/* (always there: Next's route handlers cannot take WebDAV's methods). */
export function tenantProxyWebdavOptions(): FastPathOptions {
  const log = getLogger().child({ component: 'tenant-proxy-webdav' });
  return {
    db: getDb, deps: getTenantProxyDeps, tokenCache: () => processAccessTokenCache(getConfig().oauth.accessTokenCacheMs),
    log: (msg, fields) => log.error(fields ?? {}, msg),
  };
}

// ------------------------------------------------------------------------------------ services

export function getTenantServices(): Promise<TenantServices> | undefined {
  return g[KEY];
}

/** Wakes this process's supervisor (after first sign-in or an admin action) and drops cached routes. */
export function nudgeSupervisor(tenantId?: string): void {
  if (tenantId) invalidateTenantRoute(tenantId);
  void g[KEY]?.then((s) => s.supervisor?.wake());
}

export function startTenantServices(): Promise<TenantServices> {
  return (g[KEY] ??= (async () => {
    const { app, tenants: cfg, history } = getConfig();
    const log = getLogger().child({ component: 'tenants' });
    const db = await getDb();
    // Sync-history retention: every instance runs it; an advisory lock per batch lets one work at a time.
    const maintenance = new HistoryMaintenance({
      db, retention: history, intervalMs: history.maintenanceIntervalMs,
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
    });
    maintenance.start();
    if (!cfg.supervisorEnabled) {
      log.info('tenant supervisor disabled in this instance (TENANT_SUPERVISOR=false)');
      return { supervisor: null, collector: null, driver: null, stop: () => maintenance.stop() };
    }
    const driver = new LocalTenantDriver({
      dataRoot: cfg.dataRoot, indexRoot: cfg.indexRoot, host: cfg.host, portRange: cfg.portRange,
      syncIntervalS: cfg.syncIntervalSeconds, quotaMb: cfg.storageQuotaMb, maxUploadMb: cfg.maxUploadMb, trashRetentionDays: cfg.trashRetentionDays,
      idempotencyWindowSeconds: cfg.idempotencyWindowSeconds, startTimeoutMs: cfg.startTimeoutMs, entry: cfg.tenantEntry,
      spawnPrefix: capabilityDropPrefix(cfg.dropCapabilities),
      snapshots: { repositoryTemplate: getConfig().snapshots.repositoryTemplate },
      env: { BM_LOG_LEVEL: app.logLevel === 'debug' || app.logLevel === 'trace' ? app.logLevel : 'info' },
      log: (msg, fields) => log.info(fields ?? {}, msg),
    });
    const supervisor = new TenantSupervisor({
      db, driver, authSecret: app.authSecret,
      settings: {
        leaseTtlMs: cfg.leaseTtlMs, tickMs: cfg.supervisorTickMs, healthIntervalMs: cfg.healthIntervalMs,
        healthTimeoutMs: cfg.healthTimeoutMs, degradedAfterMs: cfg.degradedAfterMs, backoffBaseMs: cfg.backoffBaseMs,
        backoffMaxMs: cfg.backoffMaxMs, maxCrashes: cfg.maxCrashes, crashWindowMs: cfg.crashWindowMs,
        maxTenantsPerInstance: cfg.maxTenantsPerInstance, idleStopMs: cfg.idleStopMs,
      },
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
      onTenantChange: invalidateTenantRoute,
    });
    const collector = new SyncCollector({
      db, authSecret: app.authSecret, intervalMs: cfg.collectorIntervalMs, concurrency: cfg.collectorConcurrency,
      onlyHeldBy: supervisor.holderId, rawNoChangeMs: history.rawNoChangeMs,
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
    });
    const offCreated = onTenantCreated((e) => {
      log.info({ tenantId: e.tenantId }, 'new tenant: provisioning');
      nudgeSupervisor(e.tenantId);
    });
    const snapshots = getConfig().snapshots;
    const snapshotScheduler = snapshots.scheduleEnabled
      ? new SnapshotScheduler({ db, config: snapshots, onlyHeldBy: supervisor.holderId, log: (level, msg, fields) => log[level](fields ?? {}, msg) })
      : null;
    supervisor.start();
    collector.start();
    snapshotScheduler?.start();
    log.info({ holder: supervisor.holderId, dataRoot: cfg.dataRoot, indexRoot: cfg.indexRoot }, 'tenant supervisor and sync collector started');

    let stopping: Promise<void> | null = null;
    const stop = () => (stopping ??= (async () => {
      offCreated();
      await maintenance.stop().catch(() => {});
      await collector.stop().catch(() => {});
      await snapshotScheduler?.stop().catch(() => {});
      await supervisor.stop().catch((err) => log.error({ err: String(err) }, 'supervisor stop failed'));
      await driver.stopAll(5000).catch(() => {});
      log.info('tenant services stopped');
    })());
    // If the process exits without a graceful stop, children are still told to go (they release their locks).
    process.once('exit', () => driver.killAllSync());
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        void stop().finally(() => {
          // Let Next's own handler (if any) finish; exit if nobody else does.
          if (process.listenerCount(sig) === 0) process.exit(0);
        });
      });
    }
    return { supervisor, collector, driver, stop };
  })());
}
