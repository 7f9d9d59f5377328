// POST /api/tenant/note-history/restore {key, version, expected_checksum?} → the tenant's answer: "restore this
// version" of the per-write note history (an atomic write that keeps what it replaces as a version).
import { z } from 'zod';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { snapshotTenant } from '@/lib/snapshots/snapshot-access.ts';
import { restoreWriteVersion, WRITE_VERSION_ID } from '@/lib/snapshots/write-history.ts';

export const dynamic = 'force-dynamic';

const Body = z.object({ key: z.string().min(1).max(4096), version: z.string().regex(WRITE_VERSION_ID), expected_checksum: z.string().regex(/^[0-9a-f]{64}$/i).optional() }).strict();

export const POST = withPrincipal(async (req, p) => {
  const tenant = snapshotTenant(p, 'write');
  const body = Body.safeParse(await req.json().catch(() => null));
  if (!body.success) throw new HttpError(422, 'The body must be {"key": "<project folder>/<path>", "version": "<version id>", "expected_checksum"?: "<sha256>"}.');
  const a = await restoreWriteVersion(tenant.id, body.data.key.replace(/^\/+/, ''), body.data.version, body.data.expected_checksum);
  return Response.json(a, { headers: { 'cache-control': 'no-store' } });
});
