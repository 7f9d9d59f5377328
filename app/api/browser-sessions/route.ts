// GET /api/browser-sessions — the caller's live browser sessions (the /sessions page's data).
// DELETE /api/browser-sessions — end all of them but the caller's own (same-origin Origin required).
import { endOtherBrowserSessions, listBrowserSessions } from '@/lib/auth/browser-sessions.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getCurrentBrowserSessionId } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export const GET = withPrincipal(async (_req, p) => {
  const sessions = await listBrowserSessions(await getDb(), p.user.id, await getCurrentBrowserSessionId(), new Date());
  return Response.json({ sessions }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session'] });

export const DELETE = withPrincipal(async (req, p) => {
  const n = await endOtherBrowserSessions(await getDb(), { userId: p.user.id, keepSessionId: await getCurrentBrowserSessionId() },
    requestInfoFromHeaders(req.headers), new Date());
  return Response.json({ ended: n }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session'] });
