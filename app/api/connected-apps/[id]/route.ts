// DELETE /api/connected-apps/{id} — disconnect one of the caller's MCP connections (404 if not theirs). Its
// tokens fail on the very next call (cache emptied on every instance, see access-token-cache.ts).
import { z } from 'zod';
import { revokeMcpConnection } from '@/lib/auth/mcp-oauth/code-grant.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute({ params: z.object({ id: z.string() }) }, async ({ req, principal, params }) => {
  const ok = await revokeMcpConnection(await getDb(), { sessionId: params.id, userId: principal.user.id, reason: 'user_revoked' }, requestInfoFromHeaders(req.headers), new Date());
  if (!ok) throw new HttpError(404, 'Connected app not found.');
  return { revoked: 1 };
});
