// Path parameters of the dashboard's pages and routes. Anything else is a 404, never a 500.
import { z } from 'zod';

export const ProjectNameParam = z.string().min(1).max(200).refine((s) => !/[\0/\\]/.test(s));
export const RunIdParam = z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/);

/** A dynamic segment as Next hands it over (decoded or not, depending on the path): decoded once, safely. */
export function segment(raw: string): string {
  if (!raw.includes('%')) return raw;
  try { return decodeURIComponent(raw); } catch { return raw; }
}

/** A route's `{name}` (a project) as apiRoute's params schema. */
export const ProjectRouteParams = z.object({ name: z.string().transform(segment).pipe(ProjectNameParam) });
/** A route's `{name}/runs/{runId}`. */
export const RunRouteParams = z.object({ name: z.string().transform(segment).pipe(ProjectNameParam), runId: z.string().transform(segment).pipe(RunIdParam) });
