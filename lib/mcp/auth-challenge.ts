// The `/mcp` answers that start or step up OAuth (MCP authorization spec, RFC 6750 §3, RFC 9728 §5.1):
// 401 with `resource_metadata` + `scope` for a missing, invalid, expired or wrongly bound token, and
// 403 `insufficient_scope` naming the scope a call needs. JSON bodies (`{"detail"}`), never HTML.
import { protectedResourceMetadataUrl } from './mcp-resource.ts';
import { MEMORY_SCOPES_STRING } from './scopes.ts';

const quote = (s: string) => s.replace(/["\\]/g, "'");

export function mcpUnauthorized(appUrl: string, detail: string, tokenError?: 'invalid_token' | 'invalid_request'): Response {
  const parts = [`resource_metadata="${protectedResourceMetadataUrl(appUrl)}"`, `scope="${MEMORY_SCOPES_STRING}"`];
  if (tokenError) parts.push(`error="${tokenError}"`, `error_description="${quote(detail)}"`);
  return Response.json({ detail }, {
    status: 401, headers: { 'www-authenticate': `Bearer ${parts.join(', ')}`, 'cache-control': 'no-store' },
  });
}

export function mcpInsufficientScope(appUrl: string, needed: string, detail: string): Response {
  const h = `Bearer error="insufficient_scope", scope="${needed}", resource_metadata="${protectedResourceMetadataUrl(appUrl)}", error_description="${quote(detail)}"`;
  return Response.json({ detail }, { status: 403, headers: { 'www-authenticate': h, 'cache-control': 'no-store' } });
}
