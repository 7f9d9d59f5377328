// GET /api/tenant → the caller's own tenant (the tenant comes from the session, never the request).
import { requireApiTenant } from '@/lib/auth/session.ts';
import { withJsonErrors } from '@/lib/http/errors.ts';
import { toTenantDto } from '@/lib/tenants/dto.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async () => {
  const { tenant } = await requireApiTenant();
  return Response.json(toTenantDto(tenant), { headers: { 'cache-control': 'no-store' } });
});
