// GET /api/cli-sessions — the caller's CLI sessions (device grants that became token families).
// DELETE /api/cli-sessions — revoke all of them (cookie callers need a same-origin Origin).
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { revokeAllSessions } from '@/lib/auth/tokens.ts';
import { cliSessionDto } from '@/lib/auth/cli-sessions.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { listCliSessionsForUser } from '@/lib/db/queries/oauth.ts';
import { apiRoute } from '@/lib/http/api-route.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({}, async ({ principal }) => {
  const rows = await listCliSessionsForUser(await getDb(), principal.user.id);
  const clients = getConfig().oauth.clients;
  return { sessions: rows.map((r) => cliSessionDto(r, clients, principal.sessionId)) };
});

export const DELETE = apiRoute({}, async ({ req, principal }) =>
  ({ revoked: await revokeAllSessions(await getDb(), principal.user.id, requestInfoFromHeaders(req.headers), new Date()) }));
