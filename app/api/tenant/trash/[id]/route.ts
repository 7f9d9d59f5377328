// DELETE /api/tenant/trash/{id} → deletes one trash entry for good: {"purged":true,"id"}.
import { z } from 'zod';
import { apiRoute } from '@/lib/http/api-route.ts';
import { purgeTrashItem } from '@/lib/tenants/tenant-trash.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const DELETE = apiRoute({ tenant: 'own', scope: 'memory:admin', params: z.object({ id: z.string() }) }, async ({ tenant, params }) => {
  await purgeTrashItem(tenant.id, params.id);
  return { purged: true, id: params.id };
});
