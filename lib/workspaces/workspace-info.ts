// Upstream's workspace entry (`WorkspaceInfo` of `GET /workspaces/`) for one of a person's tenants.
import type { Tenant } from '../db/schema.ts';
import type { WorkspaceRow } from '../db/queries/workspaces.ts';

export interface WorkspaceInfo {
  tenant_id: string;
  workspace_type: 'personal' | 'organization';
  slug: string;
  name: string;
  role: string;
  is_default: boolean;
  organization_id: string | null;
  has_active_subscription: boolean;
}

export interface WorkspaceListResponse {
  workspaces: WorkspaceInfo[];
  count: number;
  default_workspace_id: string | null;
  current_workspace_id: string | null;
}

/** The workspace's slug: the stored one, else one derived from its id (stable, matches upstream's `[a-z0-9_-]+`). */
export function workspaceSlug(t: Pick<Tenant, 'id' | 'slug'>): string {
  return t.slug ?? `ws-${t.id.replace(/-/g, '').slice(0, 12).toLowerCase()}`;
}

export function workspaceInfo(row: WorkspaceRow, defaultTenantId: string | null): WorkspaceInfo {
  const t = row.tenant;
  return {
    tenant_id: t.id, workspace_type: t.workspaceType, slug: workspaceSlug(t), name: t.name, role: row.role,
    is_default: t.id === defaultTenantId, organization_id: null,
    // No billing yet: an active workspace is one not stopped by an admin (the proxy's subscription_required rule).
    has_active_subscription: t.desiredState === 'running',
  };
}
