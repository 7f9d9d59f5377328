// GET /api/tenant/trash → the caller's tenant's trash: {"items":[…newest first…],"retention_days"}.
import { apiRoute } from '@/lib/http/api-route.ts';
import { listTrash } from '@/lib/tenants/tenant-trash.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ tenant: 'own', scope: 'memory:read' }, async ({ tenant }) => listTrash(tenant.id));
