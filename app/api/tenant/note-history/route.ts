// GET /api/tenant/note-history?key=<project folder>/<path> → {versions: [...newest first], writes: [...newest first]}:
// the distinct versions of one file across the caller's snapshots, and the versions kept at each write (the note
// history view's BFF route).
import { z } from 'zod';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { noteHistory } from '@/lib/snapshots/snapshot-service.ts';
import { writeVersions } from '@/lib/snapshots/write-history.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  tenant: 'own', scope: 'memory:read', query: z.object({ key: z.string().min(1).max(4096) }),
  invalid: { query: refuseWith(422, 'key: the file\'s key (<project folder>/<path>) is required') },
}, async ({ tenant, query }) => {
  const k = query.key.replace(/^\/+/, '');
  const [versions, writes] = await Promise.all([noteHistory(await getDb(), tenant.id, k), writeVersions(tenant.id, k)]);
  return { key: query.key, versions, writes };
});
