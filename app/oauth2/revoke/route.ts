// POST /oauth2/revoke — RFC 7009; revoking either token of a CLI session ends the whole session.
import { handleRevoke, oauthRoute } from '@/lib/auth/oauth-http.ts';

export const dynamic = 'force-dynamic';
export const POST = oauthRoute(handleRevoke);
