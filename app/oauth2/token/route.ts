// POST /oauth2/token — device_code grant (RFC 8628 §3.4) and refresh_token grant (rotating).
import { handleToken, oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const POST = oauthRoute(handleToken);
