// GET /api/app-passwords — the caller's app passwords (never their secrets).
// POST /api/app-passwords {"name"} — a new one; the secret is in this answer only (201).
import { z } from 'zod';
import { appPasswordDto, createAppPassword } from '@/lib/auth/app-passwords.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { listAppPasswordsForUser } from '@/lib/db/queries/app-passwords.ts';
import { apiRoute } from '@/lib/http/api-route.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const CreateAppPasswordBody = z.object({
  name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(100, 'name is at most 100 characters'),
});

export const GET = apiRoute({ via: ['session', 'token'] }, async ({ principal }) =>
  ({ app_passwords: (await listAppPasswordsForUser(await getDb(), principal.user.id)).map(appPasswordDto) }));

export const POST = apiRoute({
  via: ['session', 'token'], tenant: 'own', scope: 'memory:admin', body: CreateAppPasswordBody, bodyExample: '{"name": "..."}',
}, async ({ req, principal, tenant, body }) => {
  const created = await createAppPassword(await getDb(), { userId: principal.user.id, tenantId: tenant.id, name: body.name }, requestInfoFromHeaders(req.headers));
  if (!created) throw new HttpError(409, 'Too many app passwords: revoke some first.');
  return Response.json({ ...appPasswordDto(created.row), password: created.secret }, { status: 201 });
});
