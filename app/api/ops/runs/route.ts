// GET /api/ops/runs?from=&to=&scanType=&tenantId=&limit= — the runs a chart bucket counts (ops only).
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { loadOpsRuns } from '@/lib/ops/ops-views.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], role: 'ops', hidden: true }, async ({ req }) => loadOpsRuns(await getDb(), new URL(req.url).searchParams));
