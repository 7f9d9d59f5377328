// GET /api/projects[?collect=1] → the caller's projects with derived health, latest run, sync in flight
// and note count (the projects page's data). `collect=1` pulls finished runs from the tenant first.
import { z } from 'zod';
import { requireApiTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError, withJsonErrors } from '@/lib/http/errors.ts';
import { loadProjectsOverview } from '@/lib/sync-health/dashboard-data.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({ collect: z.enum(['0', '1']).optional() }).strict();

export const GET = withJsonErrors(async (req: Request) => {
  const { tenant } = await requireApiTenant();
  const q = Query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) throw new HttpError(400, 'Invalid query: only collect=0|1 is accepted.');
  const body = await loadProjectsOverview(await getDb(), tenant, { collect: q.data.collect === '1' });
  return Response.json(body, { headers: { 'cache-control': 'no-store' } });
});
