// GET /.well-known/oauth-protected-resource/mcp — RFC 9728 metadata of the /mcp resource (path-suffixed form).
import { metadataResponse, protectedResourceMetadata } from '@/lib/auth/mcp-oauth/http.ts';
import { getConfig } from '@/lib/config/index.ts';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return metadataResponse(protectedResourceMetadata(getConfig().oauth));
}
