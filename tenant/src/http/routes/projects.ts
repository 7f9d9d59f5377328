// Upstream v0.16 project routes (contract §3.1-3.2), exact shapes and status codes.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { folderOf } from '../../projects/project-config.ts';
import type { Project } from '../../projects/project-registry.ts';
import { EMPTY_REPORT, type TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseBody, parseQuery, queryBool } from '../query-params.ts';

// pydantic (lax mode) also takes "true"/"false"/1/0 for a bool field; so do we.
const laxBool = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === 'true' || v === 'True' || v === 1 || v === '1' ? true
  : v === 'false' || v === 'False' || v === 0 || v === '0' ? false : v), inner);

// The cloud tenant ignores `path` (the folder is always <data-dir>/<permalink(name)>); extra keys
// such as local_sync_path are accepted and ignored, as upstream does.
const ProjectInfoRequest = z.object({
  name: z.string().trim().min(1).max(255),
  path: z.string().optional(),
  set_default: laxBool(z.boolean()).default(false),
});

// PATCH /{project}/project/{name}: both optional, null = not given (upstream Body(None) fields).
const UpdateProjectBody = z.looseObject({
  path: z.string().max(4096).nullish(),
  is_active: laxBool(z.boolean().nullish()),
});

function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(2)} ${units[i]}`;
}

export function registerProjectRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const reg = runtime.registry;
  const status = (message: string, extra: { default: boolean; old_project?: Project | null; new_project?: Project | null; newIsDefault?: boolean }) => ({
    message,
    status: 'success',
    default: extra.default,
    old_project: extra.old_project ? reg.item(extra.old_project) : null,
    new_project: extra.new_project ? reg.item(extra.new_project) : null,
  });

  app.get('/projects/projects', { config: { duringRebuild: true } }, async () => {
    if (runtime.ready) await runtime.discover();
    return { projects: reg.list().map((p) => reg.item(p)), default_project: reg.defaultName };
  });

  app.post('/projects/projects', async (req, reply) => {
    const body = parseBody(req, ProjectInfoRequest);
    const { project, created } = runtime.addProject(body.name, body.set_default);
    if (!created) {
      reply.code(200);
      return status(`Project '${body.name}' already exists`, { default: project.name === reg.defaultName, new_project: project });
    }
    reply.code(201);
    return status(`Project '${project.name}' added successfully`, { default: body.set_default, new_project: project });
  });

  app.delete('/projects/:name', async (req) => {
    const { delete_notes } = parseQuery(req, z.object({ delete_notes: queryBool(false) }));
    const { name } = req.params as { name: string };
    const removed = runtime.removeProject(name, delete_notes);
    return { message: `Project '${removed.name}' removed successfully`, status: 'success', default: false, old_project: { ...reg.ids.of(removed.name), name: removed.name, path: '/' + removed.folder, is_default: false }, new_project: null };
  });

  app.put('/projects/:name/default', async (req) => {
    const { name } = req.params as { name: string };
    const { previous, project } = reg.setDefault(name);
    return {
      message: `Project '${project.name}' set as default successfully`,
      status: 'success',
      default: true,
      old_project: previous ? { ...reg.item(previous), is_default: false } : null,
      new_project: reg.item(project),
    };
  });

  app.get('/projects/default', { config: { duringRebuild: true } }, async () => {
    const name = reg.defaultName;
    const p = name ? reg.resolve(name) : null;
    if (!p) throw new HttpError(404, `Default Project: '${name ?? ''}' does not exist`);
    return reg.item(p);
  });

  app.get('/:project/project/item', { config: { duringRebuild: true } }, async (req) => reg.item(await projectFromRequest(req, runtime)));

  app.get('/:project/project/info', async (req) => {
    const p = await projectFromRequest(req, runtime);
    const info = runtime.engine.projectInfo(p.name);
    const available: Record<string, object> = {};
    reg.list().forEach((o) => {
      available[o.name] = { path: '/' + o.folder, active: true, id: reg.ids.of(o.name).id, external_id: reg.ids.of(o.name).external_id, is_default: o.name === reg.defaultName, permalink: o.permalink };
    });
    return {
      project_name: p.name,
      project_path: '/' + p.folder,
      available_projects: available,
      default_project: reg.defaultName,
      statistics: info.statistics,
      activity: info.activity,
      system: {
        version: runtime.version,
        database_path: info.index.database_path,
        database_size: humanSize(info.index.database_size_bytes),
        watch_status: null,
        timestamp: new Date().toISOString(),
        last_sync: info.index.last_sync,
      },
    };
  });

  app.post('/:project/project/sync', async (req) => {
    const q = parseQuery(req, z.object({ force_full: queryBool(false), run_in_background: queryBool(true) }));
    const p = await projectFromRequest(req, runtime);
    const trigger = q.force_full ? 'force' : 'api';
    if (q.run_in_background) {
      runtime.sync(p.name, trigger, q.force_full).catch((err: unknown) => req.log.warn({ err, project: p.name }, 'background sync failed'));
      return { status: 'sync_started', message: `Filesystem sync initiated for project '${p.name}'` };
    }
    const run = await runtime.sync(p.name, trigger, q.force_full);
    if (run.status === 'failed' && !run.report) {
      // Upstream answers an aborted sync with 500 {"detail": str(exc)}; keep server paths out of it.
      const why = (run.errors[0]?.message ?? 'unknown error').split(runtime.registry.dataDir).join('');
      throw new HttpError(500, `Sync of project '${p.name}' failed: ${why}`);
    }
    return run.report ?? EMPTY_REPORT;
  });

  app.post('/:project/project/status', async (req) => {
    const p = await projectFromRequest(req, runtime);
    return runtime.engine.scan(p.name);
  });

  // Re-reads config.json (even if it looks unchanged) and the data dir's top-level folders.
  app.post('/projects/config/sync', async () => {
    await runtime.discover({ rereadConfig: true });
    return { message: 'Projects synchronized successfully between configuration and database', status: 'success', default: false };
  });

  // On a cloud tenant a project IS its top-level folder (<data-dir>/<folder>), so `path` cannot move it:
  // the project's own folder (as "/<folder>" or the absolute path inside the data dir) is accepted as a
  // no-op, anything else is refused with 400. Projects are always active: is_active=true is a no-op,
  // is_active=false is refused (remove the project instead; its files stay).
  app.patch('/:project/project/:name', async (req) => {
    const body = parseBody(req, UpdateProjectBody);
    await projectFromRequest(req, runtime);
    const { name } = req.params as { name: string };
    if (body.path && !body.path.startsWith('/')) throw new HttpError(400, 'Path must be absolute');
    const target = reg.resolve(name);
    if (!target) throw new HttpError(400, `Project '${name}' not found in configuration`);
    if (body.path) {
      const raw = body.path;
      if (raw.includes('\0') || raw.includes('\\') || raw.split('/').includes('..')) throw new HttpError(400, 'Invalid path: it must stay inside the data dir');
      const inData = raw === reg.dataDir || raw.startsWith(reg.dataDir + '/');
      const folder = inData ? folderOf(reg.dataDir, raw) : folderOf(reg.dataDir, path.join(reg.dataDir, raw));
      if (folder !== target.folder) {
        throw new HttpError(400, `Project folders are fixed on a cloud tenant: '${target.name}' stays at '/${target.folder}' (moving a project is not supported)`);
      }
    }
    if (body.is_active === false) {
      throw new HttpError(400, `Projects cannot be deactivated on a cloud tenant; remove '${target.name}' with DELETE /projects/{name}?delete_notes=false (its files stay)`);
    }
    const item = reg.item(target);
    return { message: `Project '${target.name}' updated successfully`, status: 'success', default: item.is_default, old_project: item, new_project: item };
  });

  // Upstream's file watcher is our sync schedule: stop pauses scheduled syncs and discovery, start resumes them.
  app.get('/management/watch/status', { config: { duringRebuild: true } }, async () => ({ running: runtime.watchRunning }));
  app.post('/management/watch/start', { config: { duringRebuild: true } }, async () => ({ running: runtime.setWatch(true) }));
  app.post('/management/watch/stop', { config: { duringRebuild: true } }, async () => ({ running: runtime.setWatch(false) }));

  app.post('/:project/search/reindex', async (req) => {
    const p = await projectFromRequest(req, runtime);
    runtime.reindexSearch(p.name);
    return { status: 'ok', message: 'Reindex initiated' };
  });
}
