// POST /api/tenant/trash/{id}/restore → puts the entry back where it was: {"restored":true,"id"};
// 409 {"detail"} naming the path when something is there now.
import { withPrincipal } from '@/lib/auth/principal.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { restoreTrashItem } from '@/lib/tenants/tenant-trash.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = withPrincipal<{ params: Promise<{ id: string }> }>(async (_req, principal, ctx) => {
  if (!principal.tenant) throw new HttpError(404, 'No tenant for this account.');
  const { id } = await ctx.params;
  await restoreTrashItem(principal.tenant.id, id);
  return Response.json({ restored: true, id }, { headers: { 'cache-control': 'no-store' } });
});
