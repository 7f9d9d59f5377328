// GET /workspaces/ (upstream HEAD and v0.22 `bm cloud workspace list`, MCP `list_workspaces`): the caller's
// workspaces in upstream's WorkspaceListResponse. Control plane, not /proxy. Any credential (session, CLI token, API
// key); `current_workspace_id` is the one this request's X-Workspace-ID (or the caller's default) selects.
import { getDb } from '@/lib/db/index.ts';
import { listWorkspacesForUser } from '@/lib/db/queries/workspaces.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { workspaceInfo, type WorkspaceListResponse } from '@/lib/workspaces/workspace-info.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ tenant: 'workspace' }, async ({ principal: p, tenant: current }) => {
  const db = await getDb();
  // An API key reaches only the workspace it was made for, so that is all it lists.
  const rows = (await listWorkspacesForUser(db, p.user.id)).filter((r) => p.via !== 'api_key' || r.tenant.id === current.id);
  const defaultId = p.via === 'api_key' ? current.id : (rows[0]?.tenant.id ?? null);
  const workspaces = rows.map((r) => workspaceInfo(r, defaultId));
  const body: WorkspaceListResponse = { workspaces, count: workspaces.length, default_workspace_id: defaultId, current_workspace_id: current.id };
  return body;
});
