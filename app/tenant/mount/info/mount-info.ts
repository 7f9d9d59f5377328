// GET /tenant/mount/info core, with the principal guard passed in so tests can run it against a real
// database without Next's request scope (the session cookie is read through next/headers).
import type { Principal } from '../../../../lib/auth/principal.ts';
import { unauthenticated } from '../../../../lib/auth/principal.ts';
import type { Database } from '../../../../lib/db/client.ts';
import { errorToResponse } from '../../../../lib/http/errors.ts';
import { workspaceForRequest } from '../../../../lib/workspaces/select-workspace.ts';

const defaultDb = async () => (await import('../../../../lib/db/index.ts')).getDb();
import { subscriptionRequired } from '../../../../lib/tenants/tenant-proxy.ts';

export interface MountInfoDeps {
  /** The caller (session cookie or Bearer); null without credentials; throws 401 for a bad Bearer. */
  resolvePrincipal(req: Request): Promise<Principal | null>;
  subscribeUrl(): string;
  /** Database for an `X-Workspace-ID` naming another of the caller's workspaces (default: the app's). */
  db?(): Promise<Database>;
}

export async function mountInfo(req: Request, deps: MountInfoDeps): Promise<Response> {
  try {
    const principal = await deps.resolvePrincipal(req);
    if (!principal) throw unauthenticated();
    // X-Workspace-ID (HEAD's `bm cloud setup --workspace`) names one of the caller's workspaces; none = the default.
    const t = await workspaceForRequest(deps.db ?? defaultDb, principal, req.headers);
    // Inactive tenant (desired state stopped): the same 403 as /proxy/*.
    if (t.desiredState === 'stopped') return subscriptionRequired(deps.subscribeUrl());
    return Response.json({ tenant_id: t.id, bucket_name: t.bucketName }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorToResponse(err);
  }
}
