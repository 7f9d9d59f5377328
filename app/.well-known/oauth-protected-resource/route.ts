// GET /.well-known/oauth-protected-resource — RFC 9728 metadata at the root (clients that try it second).
import { metadataResponse, protectedResourceMetadata } from '@/lib/auth/mcp-oauth/http.ts';
import { getConfig } from '@/lib/config/index.ts';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return metadataResponse(protectedResourceMetadata(getConfig().oauth));
}
