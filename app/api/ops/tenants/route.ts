// GET /api/ops/tenants?q=&sort=&dir=&page=&pageSize= — the /ops tenants table (ops only).
import { getDb } from '@/lib/db/index.ts';
import { loadOpsTenants } from '@/lib/ops/ops-views.ts';
import { noStore, opsRoute } from '@/lib/ops/ops-route.ts';

export const dynamic = 'force-dynamic';

export const GET = opsRoute(async (req) => Response.json(await loadOpsTenants(await getDb(), new URL(req.url).searchParams), noStore));
