// react-query keys of the notes browser: everything of one project (invalidated after a write), searches
// (one key per query and filters).
export const noteKeys = {
  all: ['notes'] as const,
  project: (project: string) => [...noteKeys.all, 'project', project] as const,
  search: (q: { q: string; project?: string; type?: string; tag?: string; category?: string }) => [...noteKeys.all, 'search', q] as const,
};
