// GET /api/app-passwords — the caller's app passwords (never their secrets).
// POST /api/app-passwords {"name"} — a new one; the secret is in this answer only (201).
import { z } from 'zod';
import { appPasswordDto, createAppPassword } from '@/lib/auth/app-passwords.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { listAppPasswordsForUser } from '@/lib/db/queries/app-passwords.ts';
import { HttpError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const CreateAppPasswordBody = z.object({ name: z.string().trim().min(1, 'name is required').max(100, 'name is at most 100 characters') });

export const GET = withPrincipal(async (_req, p) => {
  const rows = await listAppPasswordsForUser(await getDb(), p.user.id);
  return Response.json({ app_passwords: rows.map(appPasswordDto) }, { headers: { 'cache-control': 'no-store' } });
}, { via: ['session', 'token'] });

export const POST = withPrincipal(async (req, p) => {
  if (!p.tenant) throw new HttpError(404, 'No tenant for this account.');
  let body: unknown;
  try { body = await req.json(); } catch { throw new HttpError(400, 'Body must be JSON: {"name": "..."}'); }
  const parsed = CreateAppPasswordBody.safeParse(body);
  if (!parsed.success) throw new HttpError(422, parsed.error.issues.map((i) => i.message).join('; '));
  const created = await createAppPassword(await getDb(), { userId: p.user.id, tenantId: p.tenant.id, name: parsed.data.name }, requestInfoFromHeaders(req.headers));
  if (!created) throw new HttpError(409, 'Too many app passwords: revoke some first.');
  return Response.json({ ...appPasswordDto(created.row), password: created.secret }, { status: 201, headers: { 'cache-control': 'no-store' } });
}, { via: ['session', 'token'] });
