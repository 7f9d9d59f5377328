// GET /api/ops/tenants/{id}?range= — one tenant's ops view (ops only; an audit event, like the page).
import { z } from 'zod';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { loadOpsTenant } from '@/lib/ops/ops-views.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], role: 'ops', hidden: true, params: z.object({ id: z.string() }) }, async ({ req, principal, params }) => {
  const info = requestInfoFromHeaders(req.headers);
  const data = await loadOpsTenant(await getDb(), params.id, new URL(req.url).searchParams, { userId: principal.user.id, ...info });
  if (!data) throw new HttpError(404, 'Tenant not found.');
  return data;
});
