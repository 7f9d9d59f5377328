'use client';
// Hooks for the projects page: list (polled gently; faster while the tenant cannot answer yet) and create.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from './fetcher.ts';
import { createProject, listProjects, projectKeys } from './projects.ts';

export function useProjectsQuery(enabled: boolean) {
  return useQuery({
    queryKey: projectKeys.list(),
    queryFn: ({ signal }) => listProjects(signal),
    enabled,
    retry: (n, err) => n < 30 && err instanceof ApiError && (err.status === 503 || err.status === 502),
    retryDelay: 2000,
    refetchInterval: (q) => (q.state.error ? 3000 : 30_000),
  });
}

export function useCreateProjectMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => createProject(name),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}
