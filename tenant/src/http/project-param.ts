// `{project}` in a URL: the project's name or the permalink of its name (upstream resolution).
// An unknown name triggers one discovery pass first, so a folder just copied in is usable at once.
import type { FastifyRequest } from 'fastify';
import type { Project } from '../projects/project-registry.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { HttpError } from './errors.ts';

export async function projectFromRequest(req: FastifyRequest, runtime: TenantRuntime): Promise<Project> {
  const name = (req.params as { project?: string }).project ?? '';
  let project = runtime.registry.resolve(name);
  if (!project && runtime.ready) {
    await runtime.discover();
    project = runtime.registry.resolve(name);
  }
  if (!project) throw new HttpError(404, `Project '${name}' not found.`);
  return project;
}
