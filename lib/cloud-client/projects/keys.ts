// react-query keys of projects: the tenant's own list (upstream shape, through /proxy) and the dashboard's
// overview with health (our BFF). Invalidating `all` refreshes both.
export const projectKeys = {
  all: ['projects'] as const,
  list: () => [...projectKeys.all, 'list'] as const,
  overview: () => [...projectKeys.all, 'overview'] as const,
};

/**
 * Syncs asked for from this browser, awaited until their run is collected. Kept under its own root, outside
 * `projectKeys.all`, so invalidating the projects never resets it.
 */
export const awaitedSyncsKey = ['awaited-syncs'] as const;
