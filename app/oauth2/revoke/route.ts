// POST /oauth2/revoke — RFC 7009; revoking either token of a CLI session ends the whole session.
import { oauthMethodNotAllowed, handleRevoke, oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const POST = oauthRoute(handleRevoke);
export const GET = oauthMethodNotAllowed;
export const HEAD = oauthMethodNotAllowed;
export const PUT = oauthMethodNotAllowed;
export const PATCH = oauthMethodNotAllowed;
export const DELETE = oauthMethodNotAllowed;
export const OPTIONS = oauthMethodNotAllowed;
