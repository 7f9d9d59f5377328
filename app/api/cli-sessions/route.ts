// GET /api/cli-sessions — the caller's CLI sessions (device grants that became token families).
// DELETE /api/cli-sessions — revoke all of them (cookie callers need a same-origin Origin).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { revokeAllSessions } from '@/lib/auth/tokens.ts';
import { cliSessionDto } from '@/lib/auth/cli-sessions.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { listCliSessionsForUser } from '@/lib/db/queries/oauth.ts';

export const dynamic = 'force-dynamic';

export const GET = withPrincipal(async (_req, p) => {
  const rows = await listCliSessionsForUser(await getDb(), p.user.id);
  const clients = getConfig().oauth.clients;
  return Response.json({ sessions: rows.map((r) => cliSessionDto(r, clients, p.sessionId)) }, { headers: { 'cache-control': 'no-store' } });
});

export const DELETE = withPrincipal(async (req, p) => {
  const n = await revokeAllSessions(await getDb(), p.user.id, requestInfoFromHeaders(req.headers), new Date());
  return Response.json({ revoked: n }, { headers: { 'cache-control': 'no-store' } });
});
