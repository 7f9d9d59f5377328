// GET /api/projects/{name}?outcome=&scan_type=&trigger=&range=&from=&to=&page= → the project page's data:
// health, latest report, one page of run history, chart series. Malformed filters are ignored and
// listed in `notices` (as on the page). Unknown project (or someone else's) → 404.
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { notFound } from '@/lib/http/errors.ts';
import { loadProjectPage } from '@/lib/sync-health/dashboard-data.ts';
import { parseRunFilters } from '@/lib/sync-health/run-filters.ts';
import { ProjectRouteParams } from '@/lib/sync-health/route-params.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  via: ['session'], tenant: 'own', params: ProjectRouteParams, invalid: { params: refuseWith(404, 'Project not found.') },
}, async ({ req, tenant, params }) => {
  const url = new URL(req.url);
  const { filters, notices } = parseRunFilters(url.searchParams);
  const data = await loadProjectPage(await getDb(), tenant, params.name, filters, { collect: url.searchParams.get('collect') === '1' });
  if (!data) throw notFound('Project not found.');
  return { ...data, filters: { ...filters, from: filters.from.toISOString(), to: filters.to.toISOString() }, notices };
});
