// DELETE /api/connected-apps/{id} — disconnect one of the caller's MCP connections (404 if not theirs). Its
// tokens fail on the very next call (cache emptied on every instance, see access-token-cache.ts).
import { revokeMcpConnection } from '@/lib/auth/mcp-oauth/code-grant.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

export const DELETE = withPrincipal<{ params: Promise<{ id: string }> }>(async (req, p, ctx) => {
  const { id } = await ctx.params;
  const ok = await revokeMcpConnection(await getDb(), { sessionId: id, userId: p.user.id, reason: 'user_revoked' }, requestInfoFromHeaders(req.headers), new Date());
  if (!ok) throw new HttpError(404, 'Connected app not found.');
  return Response.json({ revoked: 1 }, { headers: { 'cache-control': 'no-store' } });
});
