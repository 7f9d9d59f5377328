// react-query keys of connected apps: MCP clients the person allowed.
export const connectedAppKeys = {
  all: ['connected-apps'] as const,
  list: () => [...connectedAppKeys.all, 'list'] as const,
};
