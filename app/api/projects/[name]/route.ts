// GET /api/projects/{name}?outcome=&scan_type=&trigger=&range=&from=&to=&page= → the project page's data:
// health, latest report, one page of run history, chart series. Malformed filters are ignored and
// listed in `notices` (as on the page). Unknown project (or someone else's) → 404.
import { requireApiTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { notFound, withJsonErrors } from '@/lib/http/errors.ts';
import { loadProjectPage } from '@/lib/sync-health/dashboard-data.ts';
import { parseRunFilters } from '@/lib/sync-health/run-filters.ts';
import { ProjectNameParam, segment } from '@/lib/sync-health/route-params.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async (req: Request, ctx: { params: Promise<{ name: string }> }) => {
  const { tenant } = await requireApiTenant();
  const name = ProjectNameParam.safeParse(segment((await ctx.params).name));
  if (!name.success) throw notFound('Project not found.');
  const url = new URL(req.url);
  const { filters, notices } = parseRunFilters(url.searchParams);
  const data = await loadProjectPage(await getDb(), tenant, name.data, filters, { collect: url.searchParams.get('collect') === '1' });
  if (!data) throw notFound('Project not found.');
  return Response.json({ ...data, filters: { ...filters, from: filters.from.toISOString(), to: filters.to.toISOString() }, notices }, { headers: { 'cache-control': 'no-store' } });
});
