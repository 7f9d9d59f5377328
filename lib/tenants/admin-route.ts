// Shared handler of POST /api/admin/tenants/{id}/{start|stop|restart|reindex}: admin role only (others
// get 404, as if the route did not exist), Origin-checked for browser sessions (apiRoute), audited.
import { z } from 'zod';
import type { PrincipalDeps } from '../auth/principal.ts';
import { requestInfoFromHeaders } from '../auth/request-info.ts';
import type { TenantAdminAction } from '../db/queries/tenants-runtime.ts';
import { isUuid } from '../db/queries/tenants.ts';
import { apiRoute, refuseWith } from '../http/api-route.ts';
import { runTenantAdminAction } from './admin-actions.ts';

/** `test` replaces the app's database, session lookup and AUTH_SECRET (integration tests). */
export function adminTenantActionRoute(action: TenantAdminAction, test?: { deps: PrincipalDeps; authSecret: string }) {
  return apiRoute({
    role: 'admin', params: z.object({ id: z.string().refine(isUuid) }), invalid: { params: refuseWith(404, 'Tenant not found.') }, deps: test?.deps,
  }, async ({ req, principal, params }) => {
    const info = requestInfoFromHeaders(req.headers);
    const db = test ? test.deps.db : await (await import('../db/index.ts')).getDb();
    const authSecret = test ? test.authSecret : (await import('../config/index.ts')).getConfig().app.authSecret;
    const result = await runTenantAdminAction(db, {
      action, tenantId: params.id, actorUserId: principal.user.id, ip: info.ip, userAgent: info.userAgent, authSecret,
    });
    if (!test) (await import('./services.ts')).nudgeSupervisor(params.id);
    return Response.json(result, { status: 202 });
  });
}
