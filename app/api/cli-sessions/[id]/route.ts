// DELETE /api/cli-sessions/{id} — revoke one of the caller's CLI sessions (404 if not theirs).
import { z } from 'zod';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { revokeSession } from '@/lib/auth/tokens.ts';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const NOT_FOUND = 'CLI session not found.';

export const DELETE = apiRoute({
  params: z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/i) }), invalid: { params: refuseWith(404, NOT_FOUND) },
}, async ({ req, principal, params }) => {
  const ok = await revokeSession(await getDb(), params.id,
    { reason: 'user_revoked', actorUserId: principal.user.id, ownerUserId: principal.user.id }, requestInfoFromHeaders(req.headers), new Date());
  if (!ok) throw new HttpError(404, NOT_FOUND);
  return { revoked: 1 };
});
