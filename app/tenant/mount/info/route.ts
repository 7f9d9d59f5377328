// GET /tenant/mount/info → {tenant_id, bucket_name} of the caller's tenant (upstream contract §2.3).
// Session or Bearer; an inactive tenant gets the 403 subscription_required body like /proxy/*.
import { resolvePrincipal } from '@/lib/auth/principal.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { mountInfo } from './mount-info.ts';

export const dynamic = 'force-dynamic';

export async function GET(req: Request): Promise<Response> {
  return mountInfo(req, { resolvePrincipal, subscribeUrl: () => getConfig().tenants.subscribeUrl, db: getDb });
}
