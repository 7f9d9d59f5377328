// How this process reaches its tenants: the cached tenant routes and the proxy's dependencies, shared by the
// /proxy/* route handler, the node:http fast paths and the signed server-side tenant call. Apart from the
// background services (services.ts) so that code calling a tenant never imports the code that starts them.
import { processAccessTokenCache } from '../auth/access-token-cache.ts';
import { getConfig } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import { getDb } from '../db/index.ts';
import { getTenantRoute, requestTenantWake, type TenantRoute } from '../db/queries/tenants-runtime.ts';
import { getLogger } from '../log.ts';
import type { FastPathOptions } from './tenant-proxy-fast-path.ts';
import type { TenantProxyDeps } from './tenant-proxy.ts';

const ROUTES = Symbol.for('bmc.tenantRouteCache');
const WAKES = Symbol.for('bmc.tenantWakes');
const NUDGE = Symbol.for('bmc.supervisorNudge');
const WAKE_WAITERS = Symbol.for('bmc.tenantWakeWaiters');
type Holder = {
  [WAKE_WAITERS]?: Map<string, Set<() => void>>;
  [ROUTES]?: Map<string, { at: number; route: TenantRoute | null }>;
  [WAKES]?: Map<string, Promise<TenantRoute | null>>;
  [NUDGE]?: (tenantId: string) => void;
};
const g = globalThis as Holder;

// ------------------------------------------------------------------------- route cache (proxy)

const ROUTE_TTL_MS = 1000;

function routeCache() {
  return (g[ROUTES] ??= new Map());
}

/** The tenant's route, cached for a second; the local supervisor invalidates on every change. */
async function getCachedTenantRoute(db: Database, tenantId: string): Promise<TenantRoute | null> {
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
  // A wake waiting on this tenant looks again now rather than at its next poll (this process's supervisor changed it).
  const waiters = g[WAKE_WAITERS]?.get(tenantId);
  if (waiters) for (const w of waiters) w();
}

// ------------------------------------------------------------------------------- waking (proxy)

/** How often a waiting wake reads the tenant's route (a change by this process's supervisor cuts the wait short). */
const WAKE_POLL_MS = 100;

/** Resolves after `ms`, or earlier when this process's supervisor changes the tenant (invalidateTenantRoute). */
function changeOrTimeout(tenantId: string, ms: number): Promise<void> {
  const all = (g[WAKE_WAITERS] ??= new Map());
  let set = all.get(tenantId);
  if (!set) all.set(tenantId, (set = new Set()));
  const waiters = set;
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      waiters.delete(done);
      if (!waiters.size && all.get(tenantId) === waiters) all.delete(tenantId);
      resolve();
    };
    const t = setTimeout(done, ms);
    waiters.add(done);
  });
}

/** Registered by the background services: starts this process's supervisor pass at once (services.ts). */
export function setSupervisorNudge(nudge: (tenantId: string) => void): void {
  g[NUDGE] = nudge;
}

/**
 * Where a wake ends: running (or serving while degraded), failed or stopped. A tenant that crashes while waking
 * is restarted by its supervisor after the backoff (`degraded`, then `starting` again): the request rides it out.
 */
function wakeSettled(route: TenantRoute): boolean {
  if (route.status === 'running' || route.status === 'failed' || route.status === 'stopped') return true;
  return route.status === 'degraded' && !!route.baseUrl;
}

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
      invalidateTenantRoute(tenantId);
      g[NUDGE]?.(tenantId);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        invalidateTenantRoute(tenantId);
        const route = await getTenantRoute(db, tenantId);
        if (!route || route.desiredState === 'stopped' || wakeSettled(route) || Date.now() >= deadline) return route;
        await changeOrTimeout(tenantId, WAKE_POLL_MS);
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
