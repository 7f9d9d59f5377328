// Shared handler of POST /api/admin/tenants/{id}/{start|stop|restart|reindex}: admin role only (others
// get 404, as if the route did not exist), Origin-checked for browser sessions (withPrincipal), audited.
import { withPrincipal } from '../auth/principal.ts';
import { requestInfoFromHeaders } from '../auth/request-info.ts';
import { getConfig } from '../config/index.ts';
import { getDb } from '../db/index.ts';
import type { TenantAdminAction } from '../db/queries/tenants-runtime.ts';
import { isUuid } from '../db/queries/tenants.ts';
import { HttpError } from '../http/errors.ts';
import { runTenantAdminAction } from './admin-actions.ts';
import { nudgeSupervisor } from './services.ts';

type Ctx = { params: Promise<{ id: string }> };

export function adminTenantActionRoute(action: TenantAdminAction) {
  return withPrincipal<Ctx>(async (req, principal, ctx) => {
    if (principal.user.role !== 'admin') throw new HttpError(404, 'Not Found');
    const { id } = await ctx.params;
    if (!isUuid(id)) throw new HttpError(404, 'Tenant not found.');
    const info = requestInfoFromHeaders(req.headers);
    const result = await runTenantAdminAction(await getDb(), {
      action, tenantId: id, actorUserId: principal.user.id, ip: info.ip, userAgent: info.userAgent, authSecret: getConfig().app.authSecret,
    });
    nudgeSupervisor(id);
    return Response.json(result, { status: 202, headers: { 'cache-control': 'no-store' } });
  });
}
