// GET /tenant/mount/info core, with the principal guard passed in so tests can run it against a real
// database without Next's request scope (the session cookie is read through next/headers).
import type { Principal } from '../../../../lib/auth/principal.ts';
import { unauthenticated } from '../../../../lib/auth/principal.ts';
import { errorToResponse, jsonError } from '../../../../lib/http/errors.ts';
import { subscriptionRequired } from '../../../../lib/tenants/tenant-proxy.ts';

export interface MountInfoDeps {
  /** The caller (session cookie or Bearer); null without credentials; throws 401 for a bad Bearer. */
  resolvePrincipal(req: Request): Promise<Principal | null>;
  subscribeUrl(): string;
}

export async function mountInfo(req: Request, deps: MountInfoDeps): Promise<Response> {
  try {
    const principal = await deps.resolvePrincipal(req);
    if (!principal) throw unauthenticated();
    const t = principal.tenant;
    if (!t) return jsonError(404, 'No tenant for this account.');
    // Inactive tenant (desired state stopped): the same 403 as /proxy/*.
    if (t.desiredState === 'stopped') return subscriptionRequired(deps.subscribeUrl());
    return Response.json({ tenant_id: t.id, bucket_name: t.bucketName }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorToResponse(err);
  }
}
