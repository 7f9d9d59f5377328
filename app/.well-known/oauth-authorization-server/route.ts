// GET /.well-known/oauth-authorization-server — RFC 8414 metadata (device, authorization-code and refresh grants).
import { mcpAuthorizationServerMetadata, metadataResponse } from '@/lib/auth/mcp-oauth/http.ts';
import { getConfig } from '@/lib/config/index.ts';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return metadataResponse(mcpAuthorizationServerMetadata(getConfig().oauth));
}
