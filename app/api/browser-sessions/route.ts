// GET /api/browser-sessions — the caller's live browser sessions (the /sessions page's data).
// DELETE /api/browser-sessions — end all of them but the caller's own (same-origin Origin required).
import { endOtherBrowserSessions, listBrowserSessions } from '@/lib/auth/browser-sessions.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getCurrentBrowserSessionId } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'] }, async ({ principal }) =>
  ({ sessions: await listBrowserSessions(await getDb(), principal.user.id, await getCurrentBrowserSessionId(), new Date()) }));

export const DELETE = apiRoute({ via: ['session'] }, async ({ req, principal }) => ({
  ended: await endOtherBrowserSessions(await getDb(), { userId: principal.user.id, keepSessionId: await getCurrentBrowserSessionId() },
    requestInfoFromHeaders(req.headers), new Date()),
}));
