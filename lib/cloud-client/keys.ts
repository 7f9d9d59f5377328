// react-query key factories (one per area, supabase-studio style). Add yours here:
//   projects (issue 5), cliSessions (issue 4), ops (next UI issue).
export const tenantKeys = {
  all: ['tenant'] as const,
  mine: () => [...tenantKeys.all, 'mine'] as const,
};

export const healthKeys = {
  all: ['health'] as const,
};

export const appPasswordKeys = {
  all: ['app-passwords'] as const,
  list: () => [...appPasswordKeys.all, 'list'] as const,
};
