// GET /api/projects/{name}/runs/{runId} → one run's full report (skipped files, errors, warnings,
// changed paths). Any run not of this project of the caller's tenant → 404.
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { notFound } from '@/lib/http/errors.ts';
import { loadRunDetail } from '@/lib/sync-health/dashboard-data.ts';
import { RunRouteParams } from '@/lib/sync-health/route-params.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  via: ['session'], tenant: 'own', params: RunRouteParams, invalid: { params: refuseWith(404, 'Run not found.') },
}, async ({ tenant, params }) => {
  const run = await loadRunDetail(await getDb(), tenant.id, params.name, params.runId);
  if (!run) throw notFound('Run not found.');
  return run;
});
