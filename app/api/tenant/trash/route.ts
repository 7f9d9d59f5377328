// GET /api/tenant/trash → the caller's tenant's trash: {"items":[…newest first…],"retention_days"}.
import { withPrincipal } from '@/lib/auth/principal.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { listTrash } from '@/lib/tenants/tenant-trash.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = withPrincipal(async (_req, principal) => {
  if (!principal.tenant) throw new HttpError(404, 'No tenant for this account.');
  return Response.json(await listTrash(principal.tenant.id), { headers: { 'cache-control': 'no-store' } });
});
