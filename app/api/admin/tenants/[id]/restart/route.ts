// POST /api/admin/tenants/{id}/restart (admin only, audited). See lib/tenants/admin-actions.ts.
import { adminTenantActionRoute } from '@/lib/tenants/admin-route.ts';

export const dynamic = 'force-dynamic';
export const POST = adminTenantActionRoute('restart');
