// DELETE /api/tenant/trash/{id} → deletes one trash entry for good: {"purged":true,"id"}.
import { withPrincipal } from '@/lib/auth/principal.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { purgeTrashItem } from '@/lib/tenants/tenant-trash.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const DELETE = withPrincipal<{ params: Promise<{ id: string }> }>(async (_req, principal, ctx) => {
  if (!principal.tenant) throw new HttpError(404, 'No tenant for this account.');
  const { id } = await ctx.params;
  await purgeTrashItem(principal.tenant.id, id);
  return Response.json({ purged: true, id }, { headers: { 'cache-control': 'no-store' } });
});
