'use client';
// Hooks for the person's dashboard: the projects overview (polled fast only while a sync runs or a
// just-started one has not been collected yet), and the project actions with optimistic updates.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProjectRowDto, ProjectsOverviewDto } from '../sync-health/dashboard-data.ts';
import { apiFetch, apiGet } from './fetcher.ts';
import { dashboardKeys } from './keys.ts';
import { projectKeys } from './projects.ts';

/** A sync asked for from this page: poll until a run newer than `afterRunId` is collected (or give up). */
export interface AwaitedSync { project: string; afterRunId: string | null; since: number }
const AWAIT_LIMIT_MS = 90_000;
const LIVE_POLL_MS = 1500;

const awaitedKey = [...dashboardKeys.all, 'awaited'] as const;

function useAwaitedSyncs() {
  return useQuery<AwaitedSync[]>({ queryKey: awaitedKey, queryFn: () => [], initialData: [], staleTime: Infinity });
}

/** Something of this overview is in flight or awaited → poll fast. */
function isLive(data: ProjectsOverviewDto | undefined, awaited: AwaitedSync[]): boolean {
  return !!data?.projects.some((p) => p.in_flight) || awaited.length > 0;
}

export function useProjectsOverview(initialData: ProjectsOverviewDto) {
  const qc = useQueryClient();
  const awaited = useAwaitedSyncs().data;
  return useQuery({
    queryKey: dashboardKeys.projects(),
    queryFn: async ({ signal }) => {
      const pending = (qc.getQueryData<AwaitedSync[]>(awaitedKey) ?? []);
      const data = await apiGet<ProjectsOverviewDto>(`/api/projects${pending.length ? '?collect=1' : ''}`, signal);
      // Drop the awaited syncs whose run has arrived (or that waited too long).
      const still = pending.filter((a) => {
        const row = data.projects.find((p) => p.name === a.project);
        if (!row || Date.now() - a.since > AWAIT_LIMIT_MS) return false;
        return !!row.in_flight || (row.latest?.id ?? null) === a.afterRunId;
      });
      if (still.length !== pending.length) qc.setQueryData(awaitedKey, still);
      return data;
    },
    initialData,
    initialDataUpdatedAt: Date.parse(initialData.generated_at),
    refetchInterval: (q) => (isLive(q.state.data, qc.getQueryData<AwaitedSync[]>(awaitedKey) ?? awaited) ? LIVE_POLL_MS : q.state.data && !q.state.data.reachable ? 3000 : 30_000),
  });
}

function patchRow(data: ProjectsOverviewDto | undefined, name: string, f: (p: ProjectRowDto) => ProjectRowDto | null): ProjectsOverviewDto | undefined {
  if (!data) return data;
  return { ...data, projects: data.projects.flatMap((p) => { if (p.name !== name) return [p]; const n = f(p); return n ? [n] : []; }) };
}

function useOptimistic<V>(mutationFn: (v: V) => Promise<unknown>, apply: (data: ProjectsOverviewDto | undefined, v: V) => ProjectsOverviewDto | undefined, after?: (v: V, prev: ProjectsOverviewDto | undefined) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onMutate: async (v: V) => {
      await qc.cancelQueries({ queryKey: dashboardKeys.projects() });
      const prev = qc.getQueryData<ProjectsOverviewDto>(dashboardKeys.projects());
      qc.setQueryData(dashboardKeys.projects(), apply(prev, v));
      after?.(v, prev);
      return { prev };
    },
    onError: (_e, _v, ctx) => { if (ctx?.prev) qc.setQueryData(dashboardKeys.projects(), ctx.prev); },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: dashboardKeys.projects() });
      void qc.invalidateQueries({ queryKey: projectKeys.all });
    },
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
      qc.setQueryData<AwaitedSync[]>(awaitedKey, (a = []) => [...a.filter((x) => x.project !== v.name), { project: v.name, afterRunId: latest, since: Date.now() }]);
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
