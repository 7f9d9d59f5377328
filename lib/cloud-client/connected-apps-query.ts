'use client';
// Hooks for Connected apps: the list (refreshed every minute: last use and calls move) and disconnect.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConnectedAppDto } from '../auth/mcp-oauth/connected-apps.ts';
import { apiFetch, apiGet } from './fetcher.ts';
import { connectedAppKeys } from './keys.ts';

export function useConnectedAppsQuery(initial: ConnectedAppDto[]) {
  return useQuery({
    queryKey: connectedAppKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<{ connected_apps: ConnectedAppDto[] }>('/api/connected-apps', signal)).connected_apps,
    initialData: initial,
    refetchInterval: 60_000,
  });
}

export function useDisconnectAppMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ revoked: number }>(`/api/connected-apps/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: connectedAppKeys.all }),
  });
}
