// POST /oauth2/token — device_code grant (RFC 8628 §3.4) and refresh_token grant (rotating).
import { oauthMethodNotAllowed, handleToken, oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const POST = oauthRoute(handleToken);
export const GET = oauthMethodNotAllowed;
export const HEAD = oauthMethodNotAllowed;
export const PUT = oauthMethodNotAllowed;
export const PATCH = oauthMethodNotAllowed;
export const DELETE = oauthMethodNotAllowed;
export const OPTIONS = oauthMethodNotAllowed;
