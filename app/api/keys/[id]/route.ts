// DELETE /api/keys/{id} — revoke one of the caller's API keys (404 if not theirs). The next request made with it fails.
import { z } from 'zod';
import { invalidateAccessTokenCache } from '@/lib/auth/access-token-cache.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { revokeApiKey } from '@/lib/db/queries/api-keys.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const NOT_FOUND = 'API key not found.';

export const DELETE = apiRoute({
  via: ['session', 'token'], params: z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/i) }), invalid: { params: refuseWith(404, NOT_FOUND) },
}, async ({ req, principal, params }) => {
  if (!await revokeApiKey(await getDb(), principal.user.id, params.id, requestInfoFromHeaders(req.headers))) throw new HttpError(404, NOT_FOUND);
  invalidateAccessTokenCache();
  return { revoked: 1 };
});
