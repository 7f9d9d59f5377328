// GET /api/ops/runs?from=&to=&scanType=&tenantId=&limit= — the runs a chart bucket counts (ops only).
import { getDb } from '@/lib/db/index.ts';
import { loadOpsRuns } from '@/lib/ops/ops-views.ts';
import { noStore, opsRoute } from '@/lib/ops/ops-route.ts';

export const dynamic = 'force-dynamic';

export const GET = opsRoute(async (req) => Response.json(await loadOpsRuns(await getDb(), new URL(req.url).searchParams), noStore));
