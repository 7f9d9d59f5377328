// /proxy/* → the caller's own tenant API (the "tenant proxy"; not Next's proxy.ts). All methods.
// The caller comes from the principal guard (session cookie or Bearer token); the tenant from the
// caller only. Forwarding rules live in lib/tenants/tenant-proxy.ts.
import { resolvePrincipal, unauthenticated } from '@/lib/auth/principal.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { errorToResponse } from '@/lib/http/errors.ts';
import { getCachedTenantRoute, invalidateTenantRoute } from '@/lib/tenants/services.ts';
import { handleTenantProxy, jsonDetail, type TenantProxyDeps } from '@/lib/tenants/tenant-proxy.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

let deps: TenantProxyDeps | null = null;
async function proxyDeps(): Promise<TenantProxyDeps> {
  if (deps) return deps;
  const { app, tenants } = getConfig();
  const db = await getDb();
  deps = {
    getRoute: (id) => getCachedTenantRoute(db, id),
    invalidateRoute: invalidateTenantRoute,
    authSecret: app.authSecret,
    appOrigin: new URL(app.appUrl).origin,
    subscribeUrl: tenants.subscribeUrl,
    connectTimeoutMs: tenants.proxyConnectTimeoutMs,
    idleTimeoutMs: tenants.proxyIdleTimeoutMs,
  };
  return deps;
}

async function handle(req: Request): Promise<Response> {
  try {
    const principal = await resolvePrincipal(req);
    if (!principal) throw unauthenticated();
    if (!principal.tenant) return jsonDetail(404, 'No tenant for this account.');
    return await handleTenantProxy(req, { tenantId: principal.tenant.id, via: principal.via === 'token' ? 'bearer' : 'session' }, await proxyDeps());
  } catch (err) {
    return errorToResponse(err);
  }
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD, handle as OPTIONS };
