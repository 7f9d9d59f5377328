// react-query key factories (one per area, supabase-studio style). Add yours here:
//   projects (issue 5), cliSessions (issue 4), ops (next UI issue).
export const tenantKeys = {
  all: ['tenant'] as const,
  mine: () => [...tenantKeys.all, 'mine'] as const,
};

export const healthKeys = {
  all: ['health'] as const,
};

/** Notes browser: one project's tree, one path's view, searches (one key per query and filters). */
export const noteKeys = {
  all: ['notes'] as const,
  project: (project: string) => [...noteKeys.all, 'project', project] as const,
  tree: (project: string) => [...noteKeys.project(project), 'tree'] as const,
  path: (project: string, path: string) => [...noteKeys.project(project), 'path', path] as const,
  search: (q: { q: string; project?: string; type?: string; tag?: string; category?: string }) => [...noteKeys.all, 'search', q] as const,
};
