// GET /api/projects[?collect=1] → the caller's projects with derived health, latest run, sync in flight
// and note count (the projects page's data). `collect=1` pulls finished runs from the tenant first.
import { z } from 'zod';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { loadProjectsOverview } from '@/lib/sync-health/dashboard-data.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  via: ['session'], tenant: 'own', query: z.object({ collect: z.enum(['0', '1']).optional() }).strict(),
  invalid: { query: refuseWith(400, 'Invalid query: only collect=0|1 is accepted.') },
}, async ({ tenant, query }) => loadProjectsOverview(await getDb(), tenant, { collect: query.collect === '1' }));
