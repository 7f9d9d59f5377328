// GET /.well-known/oauth-authorization-server — RFC 8414 metadata (lists the device endpoint).
import { authorizationServerMetadata } from '@/lib/auth/oauth-http.ts';
import { getConfig } from '@/lib/config/index.ts';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json(authorizationServerMetadata(getConfig().oauth), { headers: { 'cache-control': 'public, max-age=300' } });
}
