// react-query keys of API keys (`bmc_…`) for scripts and headless agents.
export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: () => [...apiKeyKeys.all, 'list'] as const,
};
