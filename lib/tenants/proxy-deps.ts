// How this process reaches its tenants: the cached tenant routes and the proxy's dependencies, shared by the
// /proxy/* route handler, the node:http fast paths and the signed server-side tenant call. Apart from the
// background services (services.ts) so that code calling a tenant never imports the code that starts them.
import { processAccessTokenCache } from '../auth/access-token-cache.ts';
import { getConfig } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import { getDb } from '../db/index.ts';
import { getTenantRoute, type TenantRoute } from '../db/queries/tenants-runtime.ts';
import { getLogger } from '../log.ts';
import type { FastPathOptions } from './tenant-proxy-fast-path.ts';
import type { TenantProxyDeps } from './tenant-proxy.ts';

const ROUTES = Symbol.for('bmc.tenantRouteCache');
type Holder = { [ROUTES]?: Map<string, { at: number; route: TenantRoute | null }> };
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
