// GET /api/ops/overview?range=1h|24h|7d|30d — what /ops shows above the tenants table (ops only).
import { getDb } from '@/lib/db/index.ts';
import { loadOpsOverview } from '@/lib/ops/ops-views.ts';
import { noStore, opsRoute } from '@/lib/ops/ops-route.ts';

export const dynamic = 'force-dynamic';

export const GET = opsRoute(async (req) => Response.json(await loadOpsOverview(await getDb(), new URL(req.url).searchParams), noStore));
