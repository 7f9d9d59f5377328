// POST /api/projects/{name}/status → "what would change now": the tenant's dry-run scan
// (upstream POST /{project}/project/status; nothing is written). Cookie write: same Origin only.
import { z } from 'zod';
import { requireApiTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { checkSameOrigin, HttpError, notFound, withJsonErrors } from '@/lib/http/errors.ts';
import { ProjectNameParam, segment } from '@/lib/sync-health/route-params.ts';
import { callTenant, tenantDetailText } from '@/lib/tenants/tenant-call.ts';

export const dynamic = 'force-dynamic';

const Report = z.object({
  new: z.array(z.string()), modified: z.array(z.string()), deleted: z.array(z.string()), moves: z.record(z.string(), z.string()),
  skipped_files: z.array(z.object({ path: z.string(), reason: z.string() }).passthrough()), total: z.number(), truncated: z.boolean().optional(),
}).passthrough();

export const POST = withJsonErrors(async (req: Request, ctx: { params: Promise<{ name: string }> }) => {
  const bad = checkSameOrigin(req, getConfig().app.appUrl);
  if (bad) throw bad;
  const { tenant } = await requireApiTenant();
  const name = ProjectNameParam.safeParse(segment((await ctx.params).name));
  if (!name.success) throw notFound('Project not found.');
  const r = await callTenant<unknown>(tenant.id, 'POST', `/${encodeURIComponent(name.data)}/project/status`, { timeoutMs: 60_000 });
  if (!r.ok) throw new HttpError(r.status === 404 ? 404 : r.status >= 500 ? 503 : r.status, tenantDetailText(r.detail));
  const report = Report.safeParse(r.body);
  if (!report.success) throw new HttpError(502, 'The tenant answered with an unexpected shape.');
  return Response.json(report.data, { headers: { 'cache-control': 'no-store' } });
});
