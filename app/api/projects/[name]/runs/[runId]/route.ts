// GET /api/projects/{name}/runs/{runId} → one run's full report (skipped files, errors, warnings,
// changed paths). Any run not of this project of the caller's tenant → 404.
import { requireApiTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { notFound, withJsonErrors } from '@/lib/http/errors.ts';
import { loadRunDetail } from '@/lib/sync-health/dashboard-data.ts';
import { ProjectNameParam, RunIdParam, segment } from '@/lib/sync-health/route-params.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async (_req: Request, ctx: { params: Promise<{ name: string; runId: string }> }) => {
  const { tenant } = await requireApiTenant();
  const p = await ctx.params;
  const name = ProjectNameParam.safeParse(segment(p.name));
  const runId = RunIdParam.safeParse(segment(p.runId));
  if (!name.success || !runId.success) throw notFound('Run not found.');
  const run = await loadRunDetail(await getDb(), tenant.id, name.data, runId.data);
  if (!run) throw notFound('Run not found.');
  return Response.json(run, { headers: { 'cache-control': 'no-store' } });
});
