// Projects of the caller's tenant, through the tenant proxy (`/proxy/projects/projects`, upstream shapes).
import { apiFetch, apiGet } from './fetcher.ts';

interface ProjectItem { name: string; path: string; is_default: boolean }
export interface ProjectList { projects: ProjectItem[]; default_project: string | null }
export interface ProjectStatusResponse { message: string; status: string; default: boolean; new_project?: ProjectItem | null }

/** react-query keys for projects (one factory per area). */
export const projectKeys = {
  all: ['projects'] as const,
  list: () => [...projectKeys.all, 'list'] as const,
};

/** Upstream's generate_permalink, close enough for a folder name: lower-case, dashes. */
export function projectPermalink(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export const listProjects = (signal?: AbortSignal) => apiGet<ProjectList>('/proxy/projects/projects', signal);

export const createProject = (name: string) =>
  apiFetch<ProjectStatusResponse>('/proxy/projects/projects', { method: 'POST', json: { name, path: projectPermalink(name), set_default: false } });
