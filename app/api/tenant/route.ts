// GET /api/tenant → the caller's own tenant (the tenant comes from the session, never the request).
import { getDb } from '@/lib/db/index.ts';
import { getTenantByIdForUser } from '@/lib/db/queries/tenants.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { noTenant } from '@/lib/http/errors.ts';
import { toTenantDto } from '@/lib/tenants/dto.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], tenant: 'own' }, async ({ principal, tenant }) => {
  const withRole = await getTenantByIdForUser(await getDb(), tenant.id, principal.user.id);
  if (!withRole) throw noTenant();
  return toTenantDto(withRole);
});
