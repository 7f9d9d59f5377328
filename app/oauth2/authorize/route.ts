// GET /oauth2/authorize — authorization code + PKCE for MCP clients; on to sign-in and the consent page.
import { handleAuthorize } from '@/lib/auth/mcp-oauth/http.ts';
import { oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const GET = oauthRoute(handleAuthorize);
