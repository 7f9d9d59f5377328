// Tool groups from OAuth scopes: `memory:read` (read, search, list, context), `memory:write` (write, edit,
// move), `memory:admin` (delete notes, create and delete projects). A principal holding none of the three
// (browser session, CLI device-grant token, app password) has every group, as everywhere else.
const MEMORY_SCOPES = ['memory:read', 'memory:write', 'memory:admin'] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];

/** The space-separated list advertised in challenges and metadata. */
export const MEMORY_SCOPES_STRING = MEMORY_SCOPES.join(' ');

/** The groups a principal with these scopes may use. */
export function grantedMemoryScopes(scopes: readonly string[]): Set<MemoryScope> {
  const held = MEMORY_SCOPES.filter((s) => scopes.includes(s));
  return new Set(held.length ? held : MEMORY_SCOPES);
}
