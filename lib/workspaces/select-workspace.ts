// Which workspace (tenant) a request acts on: `X-Workspace-ID` naming one of the caller's workspaces, else the
// caller's default (the principal's tenant). Any other id is refused without saying whether it exists. Upstream
// clients may also send `X-Basic-Memory-Workspace-Slug` / `-Type`; when present they must name the same workspace.
import type http from 'node:http';
import type { Database } from '../db/client.ts';
import type { Tenant } from '../db/schema.ts';
import { findWorkspaceForUser } from '../db/queries/workspaces.ts';
import { HttpError, noTenant } from '../http/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { workspaceSlug } from './workspace-info.ts';

const WORKSPACE_ID_HEADER = 'x-workspace-id';
const WORKSPACE_SLUG_HEADER = 'x-basic-memory-workspace-slug';
const WORKSPACE_TYPE_HEADER = 'x-basic-memory-workspace-type';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9_-]+$/;
const TYPES = new Set(['personal', 'organization']);

type HeaderSource = Headers | http.IncomingHttpHeaders;

function header(h: HeaderSource, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const v = (h as http.IncomingHttpHeaders)[name];
  return Array.isArray(v) ? v[0] : v;
}

interface WorkspaceSelectors { id?: string; slug?: string; type?: string }

/** The workspace headers of a request (trimmed; empty = absent). */
function workspaceSelectors(h: HeaderSource): WorkspaceSelectors {
  const pick = (n: string) => { const v = header(h, n)?.trim(); return v ? v : undefined; };
  return { id: pick(WORKSPACE_ID_HEADER), slug: pick(WORKSPACE_SLUG_HEADER), type: pick(WORKSPACE_TYPE_HEADER) };
}

function workspaceNotFound(id: string): HttpError {
  return new HttpError(404, `Workspace '${id.slice(0, 64)}' not found.`);
}

/** Checks the headers' form (upstream's rules for the slug/type pair); throws 400 HttpErrors. */
function validateWorkspaceSelectors(s: WorkspaceSelectors): void {
  if (s.id !== undefined && !UUID.test(s.id)) throw new HttpError(400, 'X-Workspace-ID must be a workspace id (a UUID, the tenant_id of GET /workspaces/).');
  if (!!s.slug !== !!s.type) throw new HttpError(400, 'workspace_slug and workspace_type must be provided together');
  if (s.slug !== undefined && !SLUG.test(s.slug)) throw new HttpError(400, 'X-Basic-Memory-Workspace-Slug must match [a-z0-9_-]+');
  if (s.type !== undefined && !TYPES.has(s.type)) throw new HttpError(400, 'X-Basic-Memory-Workspace-Type must be one of: organization, personal');
}

/**
 * The tenant this request acts on. Without selectors: the principal's own (404 when the account has none). With
 * `X-Workspace-ID`: that workspace if the caller is a member (an API key only reaches the workspace it was made for);
 * otherwise 404. Slug/type headers must describe the chosen workspace. Costs no query when nothing is selected or the
 * selection is the principal's own tenant.
 */
export async function workspaceForRequest(db: Database | (() => Promise<Database>), p: Principal, h: HeaderSource): Promise<Tenant> {
  const s = workspaceSelectors(h);
  validateWorkspaceSelectors(s);
  let tenant: Tenant | null = p.tenant;
  if (s.id !== undefined && s.id.toLowerCase() !== p.tenant?.id.toLowerCase()) {
    if (p.via === 'api_key' || p.via === 'app_password') throw workspaceNotFound(s.id);
    const d = typeof db === 'function' ? await db() : db;
    tenant = (await findWorkspaceForUser(d, p.user.id, s.id.toLowerCase()))?.tenant ?? null;
    if (!tenant) throw workspaceNotFound(s.id);
  }
  if (!tenant) throw noTenant();
  if (s.slug !== undefined && (s.slug !== workspaceSlug(tenant) || s.type !== tenant.workspaceType)) {
    throw workspaceNotFound(s.slug);
  }
  return tenant;
}
