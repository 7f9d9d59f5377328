// GET /tenant/mount/info → {tenant_id, bucket_name} of the caller's tenant (upstream contract §2.3).
// Session or Bearer; an inactive tenant gets the 403 subscription_required body like /proxy/*.
import { resolvePrincipal, unauthenticated } from '@/lib/auth/principal.ts';
import { getConfig } from '@/lib/config/index.ts';
import { errorToResponse } from '@/lib/http/errors.ts';
import { jsonDetail, subscriptionRequired } from '@/lib/tenants/tenant-proxy.ts';

export const dynamic = 'force-dynamic';

export async function GET(req: Request): Promise<Response> {
  try {
    const principal = await resolvePrincipal(req);
    if (!principal) throw unauthenticated();
    const t = principal.tenant;
    if (!t) return jsonDetail(404, 'No tenant for this account.');
    if (t.desiredState === 'stopped') return subscriptionRequired(getConfig().tenants.subscribeUrl);
    return Response.json({ tenant_id: t.id, bucket_name: t.bucketName }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorToResponse(err);
  }
}
