'use client';
// Projects, read: the dashboard's overview with health (polled fast only while a sync runs or a just-started one
// has not been collected yet) and the tenant's own project list (polled gently; faster while the tenant cannot
// answer yet).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProjectsOverviewDto } from '../../sync-health/dashboard-data.ts';
import { ApiError, apiGet } from '../fetcher.ts';
import { awaitedSyncsKey, projectKeys } from './keys.ts';

/** A sync asked for from this page: poll until a run newer than `afterRunId` is collected (or give up). */
export interface AwaitedSync { project: string; afterRunId: string | null; since: number }
const AWAIT_LIMIT_MS = 90_000;
const LIVE_POLL_MS = 1500;

function useAwaitedSyncs() {
  return useQuery<AwaitedSync[]>({ queryKey: awaitedSyncsKey, queryFn: () => [], initialData: [], staleTime: Infinity });
}

/** Something of this overview is in flight or awaited → poll fast. */
function isLive(data: ProjectsOverviewDto | undefined, awaited: AwaitedSync[]): boolean {
  return !!data?.projects.some((p) => p.in_flight) || awaited.length > 0;
}

export function useProjectsOverview(initialData: ProjectsOverviewDto) {
  const qc = useQueryClient();
  const awaited = useAwaitedSyncs().data;
  return useQuery({
    queryKey: projectKeys.overview(),
    queryFn: async ({ signal }) => {
      const pending = (qc.getQueryData<AwaitedSync[]>(awaitedSyncsKey) ?? []);
      const data = await apiGet<ProjectsOverviewDto>(`/api/projects${pending.length ? '?collect=1' : ''}`, signal);
      // Drop the awaited syncs whose run has arrived (or that waited too long).
      const still = pending.filter((a) => {
        const row = data.projects.find((p) => p.name === a.project);
        if (!row || Date.now() - a.since > AWAIT_LIMIT_MS) return false;
        return !!row.in_flight || (row.latest?.id ?? null) === a.afterRunId;
      });
      if (still.length !== pending.length) qc.setQueryData(awaitedSyncsKey, still);
      return data;
    },
    initialData,
    initialDataUpdatedAt: Date.parse(initialData.generated_at),
    refetchInterval: (q) => (isLive(q.state.data, qc.getQueryData<AwaitedSync[]>(awaitedSyncsKey) ?? awaited) ? LIVE_POLL_MS : q.state.data && !q.state.data.reachable ? 3000 : 30_000),
  });
}

interface ProjectItem { name: string; path: string; is_default: boolean }
export interface ProjectList { projects: ProjectItem[]; default_project: string | null }

export function useProjectsQuery(enabled: boolean) {
  return useQuery({
    queryKey: projectKeys.list(),
    queryFn: ({ signal }) => apiGet<ProjectList>('/proxy/projects/projects', signal),
    enabled,
    retry: (n, err) => n < 30 && err instanceof ApiError && (err.status === 503 || err.status === 502),
    retryDelay: 2000,
    refetchInterval: (q) => (q.state.error ? 3000 : 30_000),
  });
}
