// GET /api/tenant/note-history?key=<project folder>/<path> → {versions: [...newest first]}: the distinct versions of
// one file across the caller's snapshots (the note history view's BFF route).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { snapshotTenant } from '@/lib/snapshots/snapshot-access.ts';
import { noteHistory } from '@/lib/snapshots/snapshot-service.ts';

export const dynamic = 'force-dynamic';

export const GET = withPrincipal(async (req, p) => {
  const tenant = snapshotTenant(p, 'read');
  const key = new URL(req.url).searchParams.get('key');
  if (!key || key.length > 4096) throw new HttpError(422, 'key: the file\'s key (<project folder>/<path>) is required');
  return Response.json({ key, versions: await noteHistory(await getDb(), tenant.id, key.replace(/^\/+/, '')) }, { headers: { 'cache-control': 'no-store' } });
});
