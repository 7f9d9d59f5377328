// The per-tenant trash (notes/trash.ts): list, restore, purge. Restores never overwrite (409 naming the path);
// a restored note or file is indexed at once, a restored project is registered again.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConflictError } from '../../engine-types.ts';
import { isTrashId } from '../../notes/trash.ts';
import { projectPermalink } from '../../projects/project-permalink.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';

const IdParam = z.object({ id: z.string().refine(isTrashId, 'not a trash id') });

function trashId(params: unknown): string {
  const r = IdParam.safeParse(params);
  if (!r.success) throw new HttpError(404, 'Trash item not found');
  return r.data.id;
}

export function registerTrashRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const { trash, engine } = runtime;

  app.get('/trash', async () => ({ items: trash.list(), retention_days: Math.round(trash.retentionMs / 86_400_000) }));

  app.post('/trash/:id/restore', async (req) => {
    const id = trashId(req.params);
    const item = trash.get(id);
    if (item.kind === 'project') {
      if (runtime.registry.resolve(item.project)) throw new ConflictError(`Cannot restore project '${item.project}': a project of that name exists. Remove or rename it first.`);
      await engine.asWriter(() => trash.restore(id, path.join(runtime.registry.dataDir, item.path)));
      if (projectPermalink(item.project) === item.path) runtime.addProject(item.project, false);
      else await runtime.discover();
      return { restored: item };
    }
    const project = runtime.registry.resolve(item.project);
    if (!project) throw new ConflictError(`Cannot restore '${item.path}': its project '${item.project}' no longer exists. Restore or create the project first.`);
    await engine.asWriter(() => trash.restore(id, path.join(project.absPath, item.path)));
    await runtime.sync(project.name, 'api');
    return { restored: item, file_path: item.path };
  });

  app.delete('/trash/:id', async (req) => {
    const id = trashId(req.params);
    const item = await engine.asWriter(() => trash.purge(id));
    return { purged: true, id: item.id };
  });
}
