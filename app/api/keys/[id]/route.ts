// DELETE /api/keys/{id} — revoke one of the caller's API keys (404 if not theirs). The next request made with it fails.
import { invalidateAccessTokenCache } from '@/lib/auth/access-token-cache.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { revokeApiKey } from '@/lib/db/queries/api-keys.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

export const DELETE = withPrincipal<{ params: Promise<{ id: string }> }>(async (req, p, ctx) => {
  const { id } = await ctx.params;
  const ok = /^[0-9a-f-]{36}$/i.test(id) && await revokeApiKey(await getDb(), p.user.id, id, requestInfoFromHeaders(req.headers));
  if (!ok) throw new HttpError(404, 'API key not found.');
  invalidateAccessTokenCache();
  return Response.json({ revoked: 1 }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session', 'token'] });
