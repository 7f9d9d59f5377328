// GET /api/tenant/note-history?key=<project folder>/<path> → {versions: [...newest first], writes: [...newest first]}:
// the distinct versions of one file across the caller's snapshots, and the versions kept at each write (the note
// history view's BFF route).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { snapshotTenant } from '@/lib/snapshots/snapshot-access.ts';
import { noteHistory } from '@/lib/snapshots/snapshot-service.ts';
import { writeVersions } from '@/lib/snapshots/write-history.ts';

export const dynamic = 'force-dynamic';

export const GET = withPrincipal(async (req, p) => {
  const tenant = snapshotTenant(p, 'read');
  const key = new URL(req.url).searchParams.get('key');
  if (!key || key.length > 4096) throw new HttpError(422, 'key: the file\'s key (<project folder>/<path>) is required');
  const k = key.replace(/^\/+/, '');
  const [versions, writes] = await Promise.all([noteHistory(await getDb(), tenant.id, k), writeVersions(tenant.id, k)]);
  return Response.json({ key, versions, writes }, { headers: { 'cache-control': 'no-store' } });
});
