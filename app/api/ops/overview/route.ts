// GET /api/ops/overview?range=1h|24h|7d|30d — what /ops shows above the tenants table (ops only).
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { loadOpsOverview } from '@/lib/ops/ops-views.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], role: 'ops', hidden: true }, async ({ req }) => loadOpsOverview(await getDb(), new URL(req.url).searchParams));
