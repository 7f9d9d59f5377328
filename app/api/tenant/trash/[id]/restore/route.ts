// POST /api/tenant/trash/{id}/restore → puts the entry back where it was: {"restored":true,"id"};
// 409 {"detail"} naming the path when something is there now.
import { z } from 'zod';
import { apiRoute } from '@/lib/http/api-route.ts';
import { restoreTrashItem } from '@/lib/tenants/tenant-trash.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = apiRoute({ tenant: 'own', scope: 'memory:write', params: z.object({ id: z.string() }) }, async ({ tenant, params }) => {
  await restoreTrashItem(tenant.id, params.id);
  return { restored: true, id: params.id };
});
