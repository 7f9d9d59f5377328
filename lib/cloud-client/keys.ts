// react-query key factories (one per area, supabase-studio style). Add yours here:
//   projects (issue 5), cliSessions (issue 4), ops (next UI issue).
export const tenantKeys = {
  all: ['tenant'] as const,
  mine: () => [...tenantKeys.all, 'mine'] as const,
};

/** The person's dashboard: projects overview with health, one project's page, one run, rebuilds. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  projects: () => [...dashboardKeys.all, 'projects'] as const,
  project: (name: string, query = '') => [...dashboardKeys.all, 'project', name, query] as const,
  run: (name: string, runId: string) => [...dashboardKeys.all, 'run', name, runId] as const,
  dryRun: (name: string) => [...dashboardKeys.all, 'dry-run', name] as const,
  rebuilds: () => [...dashboardKeys.all, 'rebuilds'] as const,
};

/** Notes browser: one project's tree, one path's view, searches (one key per query and filters). */
export const noteKeys = {
  all: ['notes'] as const,
  project: (project: string) => [...noteKeys.all, 'project', project] as const,
  tree: (project: string) => [...noteKeys.project(project), 'tree'] as const,
  path: (project: string, path: string) => [...noteKeys.project(project), 'path', path] as const,
  search: (q: { q: string; project?: string; type?: string; tag?: string; category?: string }) => [...noteKeys.all, 'search', q] as const,
};

export const appPasswordKeys = {
  all: ['app-passwords'] as const,
  list: () => [...appPasswordKeys.all, 'list'] as const,
};

/** Connected apps: MCP clients the person allowed. */
export const connectedAppKeys = {
  all: ['connected-apps'] as const,
  list: () => [...connectedAppKeys.all, 'list'] as const,
};

/** API keys (`bmc_…`) for scripts and headless agents. */
export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: () => [...apiKeyKeys.all, 'list'] as const,
};

/** Snapshots: the list, one snapshot's folder listing (by prefix), one file of a snapshot, a note's history. */
export const snapshotKeys = {
  all: ['snapshots'] as const,
  list: () => [...snapshotKeys.all, 'list'] as const,
  browse: (id: string, prefix: string) => [...snapshotKeys.all, 'browse', id, prefix] as const,
  file: (id: string, key: string) => [...snapshotKeys.all, 'file', id, key] as const,
  history: (project: string, path: string) => [...snapshotKeys.all, 'history', project, path] as const,
};
