// GET /api/keys — the caller's API keys (never their secrets).
// POST /api/keys {"name", "scope"?: "read_only"|"read_write"} — a new key for the caller's workspace (upstream
// `bm cloud api-key create` sends only the name and reads `key`); the key is in this answer only (201).
// Keys are made with a browser session or a CLI login, not with another key.
import { z } from 'zod';
import { apiKeyDto, createApiKey } from '@/lib/auth/api-keys.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { listApiKeysForUser } from '@/lib/db/queries/api-keys.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const CreateApiKeyBody = z.object({
  name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(100, 'name is at most 100 characters'),
  scope: z.enum(['read_only', 'read_write'], { message: 'scope must be "read_only" or "read_write"' }).default('read_write'),
});

export const GET = apiRoute({ via: ['session', 'token'] }, async ({ principal }) => {
  const rows = await listApiKeysForUser(await getDb(), principal.user.id);
  return { keys: rows.map(apiKeyDto), total: rows.length };
});

export const POST = apiRoute({
  via: ['session', 'token'], tenant: 'workspace', body: CreateApiKeyBody, bodyExample: '{"name": "..."}',
}, async ({ req, principal, tenant, body }) => {
  const created = await createApiKey(await getDb(), { userId: principal.user.id, tenantId: tenant.id, ...body }, requestInfoFromHeaders(req.headers));
  if (!created) throw new HttpError(409, 'Too many API keys: revoke some first.');
  return Response.json({ ...apiKeyDto(created.row), key: created.secret }, { status: 201 });
});
