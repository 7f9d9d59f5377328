// DELETE /api/app-passwords/{id} — revoke one of the caller's app passwords (404 if not theirs). The next request
// made with it fails.
import { withPrincipal } from '@/lib/auth/principal.ts';
import { invalidateAccessTokenCache } from '@/lib/auth/access-token-cache.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { revokeAppPassword } from '@/lib/db/queries/app-passwords.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

export const DELETE = withPrincipal<{ params: Promise<{ id: string }> }>(async (req, p, ctx) => {
  const { id } = await ctx.params;
  const ok = /^[0-9a-f-]{36}$/i.test(id) && await revokeAppPassword(await getDb(), p.user.id, id, requestInfoFromHeaders(req.headers));
  if (!ok) throw new HttpError(404, 'App password not found.');
  invalidateAccessTokenCache();
  return Response.json({ revoked: 1 }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session', 'token'] });
