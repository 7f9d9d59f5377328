// POST /oauth2/device_authorization — RFC 8628 §3.1 (+ PKCE S256), form in, JSON out.
import { oauthMethodNotAllowed, handleDeviceAuthorization, oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const POST = oauthRoute(handleDeviceAuthorization);
export const GET = oauthMethodNotAllowed;
export const HEAD = oauthMethodNotAllowed;
export const PUT = oauthMethodNotAllowed;
export const PATCH = oauthMethodNotAllowed;
export const DELETE = oauthMethodNotAllowed;
export const OPTIONS = oauthMethodNotAllowed;
