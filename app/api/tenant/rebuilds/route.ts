// GET /api/tenant/rebuilds → the caller's tenant's index rebuilds (mode, files, duration, outcome),
// newest first, and the median of the ten before the latest (what the tenant card compares with).
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { loadRebuilds } from '@/lib/sync-health/dashboard-data.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], tenant: 'own' }, async ({ tenant }) => loadRebuilds(await getDb(), tenant.id));
