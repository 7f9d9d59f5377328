// Admin lifecycle actions on a tenant: start, stop, restart, reindex. Each is recorded as an audit event.
// start/stop/restart go through Postgres (desired state / restart request), so the instance holding the
// tenant's lease acts on them whichever instance received the request. Reindex asks the running tenant
// for a forced full sync of every project (`POST /{project}/project/sync?force_full=true`): the index
// keeps serving meanwhile and each run is recorded (scan type full_forced). A wiped-index rebuild is a
// restart after `LocalTenantDriver.wipeIndex`, kept for operators (not exposed here).
import type { Database } from '../db/client.ts';
import { recordAuditEvent } from '../db/queries/audit.ts';
import { getTenantRoute, requestTenantRestart, requestTenantStart, requestTenantStop, type TenantAdminAction } from '../db/queries/tenants-runtime.ts';
import { HttpError } from '../http/errors.ts';
import { signedTenantFetch } from './tenant-call.ts';

export interface AdminActionResult { action: TenantAdminAction; tenant_id: string; accepted: true; projects?: { name: string; status: number }[] }

export async function runTenantAdminAction(db: Database, o: {
  action: TenantAdminAction; tenantId: string; actorUserId: string; ip: string | null; userAgent: string | null; authSecret: string;
}): Promise<AdminActionResult> {
  const route = await getTenantRoute(db, o.tenantId);
  if (!route) throw new HttpError(404, 'Tenant not found.');
  let projects: AdminActionResult['projects'];
  switch (o.action) {
    case 'start': await requestTenantStart(db, o.tenantId); break;
    case 'stop': await requestTenantStop(db, o.tenantId); break;
    case 'restart': await requestTenantRestart(db, o.tenantId); break;
    case 'reindex': {
      if (route.status !== 'running' || !route.baseUrl) throw new HttpError(409, { error: 'tenant_not_running', message: `The tenant is ${route.status}; reindex needs it running.` });
      const baseUrl = route.baseUrl;
      const call = (method: string, pq: string) => signedTenantFetch(baseUrl, o, method, pq);
      const list = await call('GET', '/projects/projects');
      if (!list.ok) throw new HttpError(502, { error: 'tenant_unreachable', message: `The tenant answered ${list.status}.` });
      const body = (await list.json()) as { projects: { name: string }[] };
      projects = [];
      for (const p of body.projects) {
        const r = await call('POST', `/${encodeURIComponent(p.name)}/project/sync?force_full=true&run_in_background=true`);
        await r.body?.cancel();
        projects.push({ name: p.name, status: r.status });
      }
      break;
    }
  }
  await recordAuditEvent(db, {
    actorUserId: o.actorUserId, tenantId: o.tenantId, action: `tenant.${o.action}`, target: `tenant:${o.tenantId}`,
    ip: o.ip, userAgent: o.userAgent, metadata: projects ? { projects: projects.map((p) => p.name) } : {},
  });
  return { action: o.action, tenant_id: o.tenantId, accepted: true, ...(projects ? { projects } : {}) };
}
