// The MCP tools' way to the caller's own tenant: the same signed call `/proxy` makes (tenantCall), on the
// upstream v2 routes keyed by project external id, exactly as upstream's cloud-mode tools call them. The
// client's token is never forwarded; the tenant id comes from the authenticated principal only.
import { callTenant, detailWords } from '../tenants/tenant-call.ts';
import type { TenantProxyDeps } from '../tenants/tenant-proxy.ts';
import { ToolProblem } from './tool-problem.ts';

export interface ProjectItem {
  id: number;
  external_id: string;
  name: string;
  path: string;
  is_default: boolean;
}

export interface TenantApi {
  readonly tenantId: string;
  /** JSON call; a refusal (4xx/5xx) becomes a ToolProblem with the tenant's own words. */
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Like json, but answers the status and body without throwing for 4xx (404/409 are often answers, not failures). */
  raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }>;
  projects(): Promise<{ projects: ProjectItem[]; default_project: string | null }>;
  forgetProjects(): void;
}

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
// Projects rarely change; a tool call needs them to route. A short per-tenant memo keeps one tool call at one
// tenant round trip; create/delete through MCP forget it at once.
const PROJECTS_TTL_MS = 2_000;
const projectMemo = new Map<string, { at: number; value: Promise<{ projects: ProjectItem[]; default_project: string | null }> }>();

/** A refusal in words for the MCP client: the tenant's own, else what the proxy's state answers mean. */
function refusalWords(r: { status: number; body: unknown; text: string }): string {
  const d = detailWords(r.body && typeof r.body === 'object' ? (r.body as { detail?: unknown }).detail : undefined);
  if (d !== null) return d;
  if (r.status === 503) return 'Your cloud storage is starting; try again in a few seconds.';
  if (r.status === 403) return 'Your cloud storage is not active.';
  return r.text.slice(0, 300) || `The tenant answered ${r.status}.`;
}

export function tenantApi(tenantId: string, signal?: AbortSignal, deps?: TenantProxyDeps, clientName?: string | null): TenantApi {
  const actor = `MCP: ${clientName || 'MCP client'}`;
  const raw = async (method: string, path: string, body?: unknown) => {
    const r = await callTenant<unknown>(tenantId, method, path, { json: body, signal, timeoutMs: TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES, deps, actor });
    if (!r.ok && r.unreachable) throw new ToolProblem(`Your cloud storage could not be reached (${r.message}). Try again shortly.`, 502);
    return { status: r.status, body: r.body, text: r.text };
  };
  const api: TenantApi = {
    tenantId,
    raw,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await raw(method, path, body);
      if (r.status >= 200 && r.status < 300) return r.body as T;
      throw new ToolProblem(refusalWords(r), r.status);
    },
    projects() {
      const hit = projectMemo.get(tenantId);
      const now = Date.now();
      if (hit && now - hit.at < PROJECTS_TTL_MS) return hit.value;
      const value = api.json<{ projects: ProjectItem[]; default_project: string | null }>('GET', '/v2/projects/');
      projectMemo.set(tenantId, { at: now, value });
      value.catch(() => projectMemo.delete(tenantId));
      if (projectMemo.size > 10_000) projectMemo.clear();
      return value;
    },
    forgetProjects() { projectMemo.delete(tenantId); },
  };
  return api;
}
