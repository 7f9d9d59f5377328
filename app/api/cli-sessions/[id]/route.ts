// DELETE /api/cli-sessions/{id} — revoke one of the caller's CLI sessions (404 if not theirs).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { revokeSession } from '@/lib/auth/tokens.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

export const DELETE = withPrincipal<{ params: Promise<{ id: string }> }>(async (req, p, ctx) => {
  const { id } = await ctx.params;
  const ok = /^[0-9a-f-]{36}$/i.test(id) && await revokeSession(await getDb(), id,
    { reason: 'user_revoked', actorUserId: p.user.id, ownerUserId: p.user.id }, requestInfoFromHeaders(req.headers), new Date());
  if (!ok) throw new HttpError(404, 'CLI session not found.');
  return Response.json({ revoked: 1 }, { headers: { 'cache-control': 'no-store' } });
});
