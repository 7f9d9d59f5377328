// Recorded sync runs: per project (newest first) and tenant-wide with a stable cursor (oldest
// first) for the control plane's collector. Both answer during the start-up rebuild.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../engine-types.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseQuery, queryInt } from '../query-params.ts';

export function registerSyncRunRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  app.get('/sync-runs', { config: { duringRebuild: true } }, async (req) => {
    const q = parseQuery(req, z.object({ after: z.string().max(200).optional(), limit: queryInt(100, 1, 500) }));
    return runtime.engine.runsAfter(q.after || null, q.limit);
  });

  // Syncs in flight now: the control plane only learns finished runs from the collector, so its
  // dashboard asks here whether to show "syncing" and keep polling.
  app.get('/sync-runs/active', { config: { duringRebuild: true } }, async () => ({ runs: runtime.engine.activeSyncs(), rebuilding: !runtime.ready }));

  // Files with a problem now (not only in the run that first met it), per project: what the project page lists and
  // what its health counts.
  app.get('/sync/problems', async (req) => {
    const q = parseQuery(req, z.object({ limit: queryInt(100, 1, 500) }));
    const projects = [];
    for (const p of runtime.registry.list()) {
      try { projects.push(runtime.engine.currentProblems(p.name, q.limit)); } catch (e) { if (!(e instanceof NotFoundError)) throw e; } // not indexed yet
    }
    return { projects };
  });

  app.get('/:project/project/sync-runs', { config: { duringRebuild: true } }, async (req) => {
    const q = parseQuery(req, z.object({ limit: queryInt(20, 1, 500) }));
    const p = await projectFromRequest(req, runtime);
    return { runs: runtime.engine.listRuns(p.name, q.limit) };
  });
}
