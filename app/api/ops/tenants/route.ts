// GET /api/ops/tenants?q=&sort=&dir=&page=&pageSize= — the /ops tenants table (ops only).
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { loadOpsTenants } from '@/lib/ops/ops-views.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], role: 'ops', hidden: true }, async ({ req }) => loadOpsTenants(await getDb(), new URL(req.url).searchParams));
