// DELETE /api/browser-sessions/{id} — end one of the caller's browser sessions (404 if not theirs or
// already ended). Ending the caller's own is a sign-out.
import { z } from 'zod';
import { endBrowserSession } from '@/lib/auth/browser-sessions.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: z.uuid() });

export const DELETE = withPrincipal<{ params: Promise<{ id: string }> }>(async (req, p, ctx) => {
  const parsed = Params.safeParse(await ctx.params);
  if (!parsed.success) throw new HttpError(404, 'Browser session not found.');
  const ok = await endBrowserSession(await getDb(), { sessionId: parsed.data.id, userId: p.user.id, reason: 'ended_by_user' },
    requestInfoFromHeaders(req.headers), new Date());
  if (!ok) throw new HttpError(404, 'Browser session not found.');
  return Response.json({ ended: 1 }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session'] });
