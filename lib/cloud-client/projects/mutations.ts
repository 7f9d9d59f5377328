'use client';
// Projects, write: create (through the tenant proxy, upstream shapes), sync now / full re-sync, set default and
// remove with optimistic updates of the overview, and the read-only "what would change now" scan.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ProjectRowDto, ProjectsOverviewDto } from '../../sync-health/dashboard-data.ts';
import { apiFetch } from '../fetcher.ts';
import { awaitedSyncsKey, projectKeys } from './keys.ts';
import type { AwaitedSync } from './queries.ts';

/** Upstream's generate_permalink, close enough for a folder name: lower-case, dashes. */
export function projectPermalink(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

interface ProjectStatusResponse { message: string; status: string; default: boolean }

export function useCreateProjectMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => apiFetch<ProjectStatusResponse>('/proxy/projects/projects', { method: 'POST', json: { name, path: projectPermalink(name), set_default: false } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

/** The tenant's read-only scan of one project (POST /api/projects/{name}/status): what a sync would change now. */
export interface DryRunAnswer { new: string[]; modified: string[]; deleted: string[]; moves: Record<string, string>; skipped_files: { path: string; reason: string }[]; total: number; truncated?: boolean }
export const useDryRunMutation = (name: string) => useMutation({
  mutationFn: () => apiFetch<DryRunAnswer>(`/api/projects/${encodeURIComponent(name)}/status`, { method: 'POST' }),
});

function patchRow(data: ProjectsOverviewDto | undefined, name: string, f: (p: ProjectRowDto) => ProjectRowDto | null): ProjectsOverviewDto | undefined {
  if (!data) return data;
  return { ...data, projects: data.projects.flatMap((p) => { if (p.name !== name) return [p]; const n = f(p); return n ? [n] : []; }) };
}

function useOptimistic<V>(mutationFn: (v: V) => Promise<unknown>, apply: (data: ProjectsOverviewDto | undefined, v: V) => ProjectsOverviewDto | undefined, after?: (v: V, prev: ProjectsOverviewDto | undefined) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onMutate: async (v: V) => {
      await qc.cancelQueries({ queryKey: projectKeys.overview() });
      const prev = qc.getQueryData<ProjectsOverviewDto>(projectKeys.overview());
      qc.setQueryData(projectKeys.overview(), apply(prev, v));
      after?.(v, prev);
      return { prev };
    },
    onError: (_e, _v, ctx) => { if (ctx?.prev) qc.setQueryData(projectKeys.overview(), ctx.prev); },
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

const enc = encodeURIComponent;

/** Sync now / full re-sync: POST /{project}/project/sync in the background; the row reads "Syncing" at once. */
export function useSyncProject() {
  const qc = useQueryClient();
  return useOptimistic(
    (v: { name: string; force: boolean }) => apiFetch(`/proxy/${enc(v.name)}/project/sync${v.force ? '?force_full=true' : ''}`, { method: 'POST' }),
    (data, v) => patchRow(data, v.name, (p) => ({
      ...p, in_flight: { project: p.name, trigger: v.force ? 'force' : 'api', force: v.force, since: new Date().toISOString(), queued: false },
      health: { state: 'syncing', label: 'Syncing', why: 'A sync of this project is running now; this updates when it ends.' },
    })),
    (v, prev) => {
      const latest = prev?.projects.find((p) => p.name === v.name)?.latest?.id ?? null;
      qc.setQueryData<AwaitedSync[]>(awaitedSyncsKey, (a = []) => [...a.filter((x) => x.project !== v.name), { project: v.name, afterRunId: latest, since: Date.now() }]);
    },
  );
}

export function useSetDefaultProject() {
  return useOptimistic(
    (name: string) => apiFetch(`/proxy/projects/${enc(name)}/default`, { method: 'PUT' }),
    (data, name) => data && { ...data, projects: data.projects.map((p) => ({ ...p, is_default: p.name === name })) },
  );
}

export function useDeleteProject() {
  return useOptimistic(
    (v: { name: string; deleteNotes: boolean }) => apiFetch(`/proxy/projects/${enc(v.name)}?delete_notes=${v.deleteNotes}`, { method: 'DELETE' }),
    // Marked, not dropped: the row (and its dialog) must stay to show a refusal; the refetch removes it.
    (data, v) => patchRow(data, v.name, (p) => ({ ...p, removing: true })),
  );
}
