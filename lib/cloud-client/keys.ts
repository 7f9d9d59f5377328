// react-query key factories (one per area, supabase-studio style). Add yours here:
//   projects (issue 5), cliSessions (issue 4), ops (next UI issue).
export const tenantKeys = {
  all: ['tenant'] as const,
  mine: () => [...tenantKeys.all, 'mine'] as const,
};

export const healthKeys = {
  all: ['health'] as const,
};

/** The person's dashboard (issue 9): projects overview with health, one project's page, one run, rebuilds. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  projects: () => [...dashboardKeys.all, 'projects'] as const,
  project: (name: string, query = '') => [...dashboardKeys.all, 'project', name, query] as const,
  run: (name: string, runId: string) => [...dashboardKeys.all, 'run', name, runId] as const,
  dryRun: (name: string) => [...dashboardKeys.all, 'dry-run', name] as const,
  rebuilds: () => [...dashboardKeys.all, 'rebuilds'] as const,
};
