// What an MCP client may be granted: three tool groups (the shared vocabulary on Principal.scopes) plus
// offline_access. The consent page lets the person pick the groups; a token carries exactly what was picked.
export const MEMORY_SCOPES = ['memory:read', 'memory:write', 'memory:admin'] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];
export const MCP_SCOPES = [...MEMORY_SCOPES, 'offline_access'] as const;

/** The consent page's checkboxes, in order. */
export const TOOL_GROUPS: ReadonlyArray<{ scope: MemoryScope; label: string; detail: string }> = [
  { scope: 'memory:read', label: 'Read', detail: 'Search, read and list your notes and projects.' },
  { scope: 'memory:write', label: 'Write and edit', detail: 'Create, edit and move notes.' },
  { scope: 'memory:admin', label: 'Delete and project admin', detail: 'Delete notes and folders, create and delete projects.' },
];

/**
 * The requested scope parameter → the groups asked for, or an error naming an unknown scope. Absent or
 * empty asks for every group (clients such as Claude request exactly `scopes_supported`, others nothing).
 * Scopes of the CLI vocabulary (openid, profile, email) are ignored rather than refused.
 */
export function parseRequestedScope(scope: string | undefined | null): { groups: MemoryScope[]; offline: boolean } | { error: string } {
  const asked = (scope ?? '').split(' ').filter(Boolean);
  const ignorable = new Set(['openid', 'profile', 'email']);
  const unknown = asked.filter((s) => !(MCP_SCOPES as readonly string[]).includes(s) && !ignorable.has(s));
  if (unknown.length) return { error: `Unknown scope '${unknown[0]!.slice(0, 60)}'. Supported: ${MCP_SCOPES.join(' ')}.` };
  const groups = MEMORY_SCOPES.filter((s) => asked.includes(s));
  return { groups: groups.length ? groups : [...MEMORY_SCOPES], offline: true };
}

/** The scope string a grant stores: the chosen groups in a fixed order, and offline_access (refresh is always issued). */
export function grantedScope(groups: Iterable<string>): string {
  const set = new Set(groups);
  return [...MEMORY_SCOPES.filter((s) => set.has(s)), 'offline_access'].join(' ');
}

/** Human labels of a stored scope string's groups (Connected apps). */
export function groupLabels(scope: string): string[] {
  const set = new Set(scope.split(' '));
  return TOOL_GROUPS.filter((g) => set.has(g.scope)).map((g) => g.label);
}
