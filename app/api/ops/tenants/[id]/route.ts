// GET /api/ops/tenants/{id}?range= — one tenant's ops view (ops only; an audit event, like the page).
import { getDb } from '@/lib/db/index.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { jsonError } from '@/lib/http/errors.ts';
import { loadOpsTenant } from '@/lib/ops/ops-views.ts';
import { noStore, opsRoute } from '@/lib/ops/ops-route.ts';

export const dynamic = 'force-dynamic';

export const GET = opsRoute<{ params: Promise<{ id: string }> }>(async (req, user, ctx) => {
  const { id } = await ctx.params;
  const info = requestInfoFromHeaders(req.headers);
  const data = await loadOpsTenant(await getDb(), id, new URL(req.url).searchParams, { userId: user.id, ...info });
  return data ? Response.json(data, noStore) : jsonError(404, 'Tenant not found.');
});
