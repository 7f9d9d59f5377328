// GET /api/keys — the caller's API keys (never their secrets).
// POST /api/keys {"name", "scope"?: "read_only"|"read_write"} — a new key for the caller's workspace (upstream
// `bm cloud api-key create` sends only the name and reads `key`); the key is in this answer only (201).
// Keys are made with a browser session or a CLI login, not with another key.
import { z } from 'zod';
import { apiKeyDto, createApiKey } from '@/lib/auth/api-keys.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { listApiKeysForUser } from '@/lib/db/queries/api-keys.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { workspaceForRequest } from '@/lib/workspaces/select-workspace.ts';

export const dynamic = 'force-dynamic';

const CreateApiKeyBody = z.object({
  name: z.string().trim().min(1, 'name is required').max(100, 'name is at most 100 characters'),
  scope: z.enum(['read_only', 'read_write'], { message: 'scope must be "read_only" or "read_write"' }).default('read_write'),
});

export const GET = withPrincipal(async (_req, p) => {
  const rows = await listApiKeysForUser(await getDb(), p.user.id);
  return Response.json({ keys: rows.map(apiKeyDto), total: rows.length }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session', 'token'] });

export const POST = withPrincipal(async (req, p) => {
  const db = await getDb();
  const tenant = await workspaceForRequest(db, p, req.headers);
  let body: unknown;
  try { body = await req.json(); } catch { throw new HttpError(400, 'Body must be JSON: {"name": "..."}'); }
  const parsed = CreateApiKeyBody.safeParse(body);
  if (!parsed.success) throw new HttpError(422, parsed.error.issues.map((i) => i.message).join('; '));
  const created = await createApiKey(db, { userId: p.user.id, tenantId: tenant.id, ...parsed.data }, requestInfoFromHeaders(req.headers));
  if (!created) throw new HttpError(409, 'Too many API keys: revoke some first.');
  return Response.json({ ...apiKeyDto(created.row), key: created.secret }, { status: 201, headers: { 'cache-control': 'no-store' } });
}, { via: ['session', 'token'] });
