// GET /api/tenant/sync-runs[?project=NAME&limit=N] → the caller's tenant's collected sync history
// (from Postgres, not the tenant): recent runs newest first + the latest run per project.
import { z } from 'zod';
import { getDb } from '@/lib/db/index.ts';
import { latestRunPerProject, listSyncRuns, type SyncRunView } from '@/lib/db/queries/sync-runs.ts';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({
  project: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const dto = (r: SyncRunView) => ({
  id: r.runId, kind: r.kind, project: r.project, trigger: r.trigger, scan_type: r.scanType, status: r.status, mode: r.mode,
  started_at: r.startedAt.toISOString(), finished_at: r.finishedAt?.toISOString() ?? null, duration_ms: r.durationMs,
  scan_ms: r.scanMs, apply_ms: r.applyMs, files_scanned: r.filesScanned, new: r.newCount, modified: r.modifiedCount,
  deleted: r.deletedCount, moved: r.movedCount, skipped: r.skippedCount, errors: r.errorCount, peak_rss_bytes: r.peakRssBytes,
});

export const GET = apiRoute({
  tenant: 'own', query: Query, invalid: { query: refuseWith(400, 'Invalid query: project (text) and limit (1-500) are accepted.') },
}, async ({ tenant, query }) => {
  const db = await getDb();
  const [runs, latest] = await Promise.all([
    listSyncRuns(db, tenant.id, { project: query.project, limit: query.limit }),
    latestRunPerProject(db, tenant.id),
  ]);
  return { runs: runs.map(dto), latest_per_project: latest.map(dto) };
});
