// Shared handler of POST /api/admin/tenants/{id}/{start|stop|restart|reindex}: admin role only (others
// get 404, as if the route did not exist), Origin-checked for browser sessions (withPrincipal), audited.
import { withPrincipal, type PrincipalDeps } from '../auth/principal.ts';
import { requestInfoFromHeaders } from '../auth/request-info.ts';
import type { TenantAdminAction } from '../db/queries/tenants-runtime.ts';
import { isUuid } from '../db/queries/tenants.ts';
import { HttpError } from '../http/errors.ts';
import { runTenantAdminAction } from './admin-actions.ts';

type Ctx = { params: Promise<{ id: string }> };

/** `test` replaces the app's database, session lookup and AUTH_SECRET (integration tests). */
export function adminTenantActionRoute(action: TenantAdminAction, test?: { deps: PrincipalDeps; authSecret: string }) {
  return withPrincipal<Ctx>(async (req, principal, ctx) => {
    if (principal.user.role !== 'admin') throw new HttpError(404, 'Not Found');
    const { id } = await ctx.params;
    if (!isUuid(id)) throw new HttpError(404, 'Tenant not found.');
    const info = requestInfoFromHeaders(req.headers);
    const db = test ? test.deps.db : await (await import('../db/index.ts')).getDb();
    const authSecret = test ? test.authSecret : (await import('../config/index.ts')).getConfig().app.authSecret;
    const result = await runTenantAdminAction(db, {
      action, tenantId: id, actorUserId: principal.user.id, ip: info.ip, userAgent: info.userAgent, authSecret,
    });
    if (!test) (await import('./services.ts')).nudgeSupervisor(id);
    return Response.json(result, { status: 202, headers: { 'cache-control': 'no-store' } });
  }, test ? { deps: test.deps } : {});
}
