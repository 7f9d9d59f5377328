// POST /tenant/mount/credentials core (upstream contract §2.3): `{access_key, secret_key}` for file tools. Ours are
// an app password (WebDAV Basic auth on /proxy/webdav/*: user name = access_key, password = secret_key), created
// for the caller's tenant and listed (and revocable) with the others in the dashboard. The secret is only in this answer.
import type { Principal } from '../../../../lib/auth/principal.ts';
import { unauthenticated } from '../../../../lib/auth/principal.ts';
import { createAppPassword } from '../../../../lib/auth/app-passwords.ts';
import type { Database } from '../../../../lib/db/client.ts';
import { errorToResponse, jsonError } from '../../../../lib/http/errors.ts';
import { subscriptionRequired } from '../../../../lib/tenants/tenant-proxy.ts';
import { workspaceForRequest } from '../../../../lib/workspaces/select-workspace.ts';

export interface MountCredentialsDeps {
  /** The caller (session cookie with same-origin checked, or Bearer); null without credentials. */
  resolvePrincipal(req: Request): Promise<Principal | null>;
  db(): Promise<Database>;
  subscribeUrl(): string;
  requestInfo(req: Request): { ip: string | null; userAgent: string | null };
  now?: () => Date;
}

export async function mountCredentials(req: Request, deps: MountCredentialsDeps): Promise<Response> {
  try {
    const principal = await deps.resolvePrincipal(req);
    if (!principal) throw unauthenticated();
    const t = await workspaceForRequest(deps.db, principal, req.headers);
    if (t.desiredState === 'stopped') return subscriptionRequired(deps.subscribeUrl());
    const info = deps.requestInfo(req);
    const stamp = (deps.now?.() ?? new Date()).toISOString().slice(0, 16).replace('T', ' ');
    const created = await createAppPassword(await deps.db(), { userId: principal.user.id, tenantId: t.id, name: `Mount credentials ${stamp} UTC` }, info);
    if (!created) return jsonError(409, 'Too many app passwords: revoke some in the dashboard first.');
    return Response.json({ access_key: created.row.accessKey, secret_key: created.secret }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorToResponse(err);
  }
}
