// POST /api/projects/{name}/status → "what would change now": the tenant's dry-run scan
// (upstream POST /{project}/project/status; nothing is written). Cookie write: same Origin only (apiRoute).
import { z } from 'zod';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { ProjectRouteParams } from '@/lib/sync-health/route-params.ts';
import { callTenant } from '@/lib/tenants/tenant-call.ts';

export const dynamic = 'force-dynamic';

const Report = z.object({
  new: z.array(z.string()), modified: z.array(z.string()), deleted: z.array(z.string()), moves: z.record(z.string(), z.string()),
  skipped_files: z.array(z.object({ path: z.string(), reason: z.string() }).passthrough()), total: z.number(), truncated: z.boolean().optional(),
}).passthrough();

export const POST = apiRoute({
  via: ['session'], tenant: 'own', params: ProjectRouteParams, invalid: { params: refuseWith(404, 'Project not found.') },
}, async ({ tenant, params }) => {
  const r = await callTenant<unknown>(tenant.id, 'POST', `/${encodeURIComponent(params.name)}/project/status`, { timeoutMs: 60_000 });
  if (!r.ok) throw new HttpError(r.status === 404 ? 404 : r.status >= 500 ? 503 : r.status, r.message);
  const report = Report.safeParse(r.body);
  if (!report.success) throw new HttpError(502, 'The tenant answered with an unexpected shape.');
  return report.data;
});
