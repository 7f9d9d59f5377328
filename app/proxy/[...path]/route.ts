// /proxy/* → the caller's own tenant API (the "tenant proxy"; not Next's proxy.ts). All methods.
// The caller comes from the principal guard (session cookie or Bearer token); the tenant from the
// caller only. Forwarding rules live in lib/tenants/tenant-proxy.ts. Bearer requests are usually
// served earlier by the node:http fast path (lib/tenants/tenant-proxy-fast-path.ts), same rules.
import { resolvePrincipal, unauthenticated } from '@/lib/auth/principal.ts';
import { getDb } from '@/lib/db/index.ts';
import { errorToResponse } from '@/lib/http/errors.ts';
import { workspaceForRequest } from '@/lib/workspaces/select-workspace.ts';
import { getTenantProxyDeps } from '@/lib/tenants/proxy-deps.ts';
import { handleTenantProxy } from '@/lib/tenants/tenant-proxy.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

async function handle(req: Request): Promise<Response> {
  try {
    const principal = await resolvePrincipal(req);
    if (!principal) throw unauthenticated();
    const tenant = await workspaceForRequest(await getDb(), principal, req.headers);
    return await handleTenantProxy(req, { tenantId: tenant.id, via: principal.via === 'session' ? 'session' : 'bearer', scopes: principal.scopes }, await getTenantProxyDeps());
  } catch (err) {
    return errorToResponse(err);
  }
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD, handle as OPTIONS };
