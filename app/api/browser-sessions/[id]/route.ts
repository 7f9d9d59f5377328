// DELETE /api/browser-sessions/{id} — end one of the caller's browser sessions (404 if not theirs or
// already ended). Ending the caller's own is a sign-out.
import { z } from 'zod';
import { endBrowserSession } from '@/lib/auth/browser-sessions.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const NOT_FOUND = 'Browser session not found.';

export const DELETE = apiRoute({
  via: ['session'], params: z.object({ id: z.uuid() }), invalid: { params: refuseWith(404, NOT_FOUND) },
}, async ({ req, principal, params }) => {
  const ok = await endBrowserSession(await getDb(), { sessionId: params.id, userId: principal.user.id, reason: 'ended_by_user' },
    requestInfoFromHeaders(req.headers), new Date());
  if (!ok) throw new HttpError(404, NOT_FOUND);
  return { ended: 1 };
});
