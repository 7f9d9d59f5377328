// POST /oauth2/register — RFC 7591 Dynamic Client Registration (public clients).
import { handleRegister } from '@/lib/auth/mcp-oauth/http.ts';
import { oauthMethodNotAllowed, oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const POST = oauthRoute(handleRegister);
export const GET = oauthMethodNotAllowed;
export const HEAD = oauthMethodNotAllowed;
export const PUT = oauthMethodNotAllowed;
export const PATCH = oauthMethodNotAllowed;
export const DELETE = oauthMethodNotAllowed;
export const OPTIONS = oauthMethodNotAllowed;
