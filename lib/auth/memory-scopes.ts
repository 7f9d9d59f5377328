// Data-access scopes on a principal (shared vocabulary with the MCP and OAuth code): `memory:read`, `memory:write`
// (write, edit, move), `memory:admin` (delete notes, create or delete projects). A principal holding none of them
// (browser session, CLI device token, app password) has full access.
const MEMORY_READ = 'memory:read';
export const MEMORY_WRITE = 'memory:write';
const MEMORY_ADMIN = 'memory:admin';
export type MemoryScope = typeof MEMORY_READ | typeof MEMORY_WRITE | typeof MEMORY_ADMIN;

export const READ_ONLY_SCOPES: MemoryScope[] = [MEMORY_READ];
export const READ_WRITE_SCOPES: MemoryScope[] = [MEMORY_READ, MEMORY_WRITE, MEMORY_ADMIN];

/** True when the principal's scopes restrict memory access at all. */
export function isMemoryScoped(scopes: readonly string[]): boolean {
  return scopes.some((s) => s === MEMORY_READ || s === MEMORY_WRITE || s === MEMORY_ADMIN);
}

/** True when scopes allow `needed` (unrestricted principals allow everything). */
export function allowsMemory(scopes: readonly string[], needed: MemoryScope): boolean {
  return !isMemoryScoped(scopes) || scopes.includes(needed);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND']);

// Tenant routes that are reads although sent as POST (upstream's search, context and resolve calls, a
// project's status and the read-only scan), matched on the tenant path (after /proxy).
const P = String.raw`(?:v2\/projects\/[^/]+|[^/]+)`;
const READ_POSTS: RegExp[] = [
  new RegExp(String.raw`^\/${P}\/search\/?$`),
  new RegExp(String.raw`^\/${P}\/prompt\/(?:search|continue-conversation)\/?$`),
  new RegExp(String.raw`^\/${P}\/project\/status\/?$`),
  /^\/v2\/projects\/resolve\/?$/,
  /^\/v2\/projects\/[^/]+\/status\/?$/,
  /^\/v2\/projects\/[^/]+\/knowledge\/(?:links\/)?resolve\/?$/,
  /^\/v2\/projects\/[^/]+\/schema\/(?:validate|infer)\/?$/,
];

/**
 * The scope a tenant request needs: reads (safe methods and the read POSTs above) `memory:read`; deleting a note, a
 * folder or a project and creating a project `memory:admin`; every other write `memory:write`.
 */
export function scopeForTenantRequest(method: string, path: string): MemoryScope {
  const m = method.toUpperCase();
  if (SAFE_METHODS.has(m)) return MEMORY_READ;
  if (m === 'POST' && READ_POSTS.some((r) => r.test(path))) return MEMORY_READ;
  if (m === 'DELETE') return MEMORY_ADMIN;
  if (m === 'POST' && /\/knowledge\/(?:entities\/delete|delete-directory)\/?$/.test(path)) return MEMORY_ADMIN;
  if (m === 'POST' && /^\/(?:v2\/)?projects\/projects\/?$|^\/v2\/projects\/?$/.test(path)) return MEMORY_ADMIN;
  return MEMORY_WRITE;
}
