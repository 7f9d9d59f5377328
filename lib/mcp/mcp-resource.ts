// The one canonical string for the `/mcp` protected resource (RFC 8707 / RFC 9728): used verbatim in the
// protected-resource metadata, bound into every MCP token, and compared exactly at `/mcp`.
export function mcpResourceUrl(appUrl: string): string {
  return appUrl + '/mcp';
}

/** Where the resource's RFC 9728 metadata lives (the path-suffixed well-known form). */
export function protectedResourceMetadataUrl(appUrl: string): string {
  return appUrl + '/.well-known/oauth-protected-resource/mcp';
}
