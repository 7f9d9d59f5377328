// GET /api/tenant/note-history?key=<project folder>/<path> → {versions: [...newest first]}: the distinct versions of
// one file across the caller's snapshots (the note history view's BFF route).
import { z } from 'zod';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { noteHistory } from '@/lib/snapshots/snapshot-service.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  tenant: 'own', scope: 'memory:read', query: z.object({ key: z.string().min(1).max(4096) }),
  invalid: { query: refuseWith(422, 'key: the file\'s key (<project folder>/<path>) is required') },
}, async ({ tenant, query }) => ({ key: query.key, versions: await noteHistory(await getDb(), tenant.id, query.key.replace(/^\/+/, '')) }));
