// GET /api/tenant/rebuilds → the caller's tenant's index rebuilds (mode, files, duration, outcome),
// newest first, and the median of the ten before the latest (what the tenant card compares with).
import { requireApiTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { withJsonErrors } from '@/lib/http/errors.ts';
import { loadRebuilds } from '@/lib/sync-health/dashboard-data.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async () => {
  const { tenant } = await requireApiTenant();
  return Response.json(await loadRebuilds(await getDb(), tenant.id), { headers: { 'cache-control': 'no-store' } });
});
