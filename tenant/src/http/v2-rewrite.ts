// Upstream v0.19–v0.22.1 (and HEAD) name projects by external_id under /v2/projects/{id}/…. Most of those routes are
// the v1 routes with another address, so the URL is rewritten before routing (fastify rewriteUrl) to the v1 route
// that answers the same shape; only what differs (resolve, status/index, knowledge and resource by entity
// external_id) has routes of its own (routes/v2-projects.ts). The signature is checked on the URL as received.
import type { TenantRuntime } from '../tenant-runtime.ts';

const SAME_AS_V1 = new Set(['memory', 'directory', 'search', 'prompt', 'import']);

export function v2RewriteUrl(runtime: TenantRuntime, method: string, url: string): string {
  if (!url.startsWith('/v2/projects')) return url;
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const rest = pathname.split('/').slice(3); // after '', 'v2', 'projects'
  if (pathname === '/v2/projects' || pathname === '/v2/projects/') return `/projects/projects${query}`;
  if (rest[0] === 'config' && rest[1] === 'sync' && rest.length === 2) return `/projects/config/sync${query}`;
  if (rest[0] === 'resolve' && rest.length === 1) return url;
  let id: string;
  try { id = decodeURIComponent(rest[0] ?? ''); } catch { return url; }
  const name = runtime.registry.resolve(id)?.name ?? id;
  const n = encodeURIComponent(name);
  const tail = rest.slice(1);
  if (tail.length === 0) {
    if (method === 'GET') return `/${n}/project/item${query}`;
    if (method === 'DELETE') return `/projects/${n}${query}`;
    if (method === 'PATCH') return `/${n}/project/${n}${query}`;
    return url;
  }
  if (tail.length === 1 && tail[0] === 'info') return `/${n}/project/info${query}`;
  if (tail.length === 1 && tail[0] === 'sync') return `/${n}/project/sync${query}`;
  if (tail.length === 1 && tail[0] === 'default') return `/projects/${n}/default${query}`;
  if (SAME_AS_V1.has(tail[0]!)) return `/${n}/${tail.join('/')}${query}`;
  return url; // status, index, knowledge, resource, schema: routes of their own
}
