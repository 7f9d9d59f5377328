'use client';
// Connected apps: the list (refreshed every minute: last use and calls move).
import { useQuery } from '@tanstack/react-query';
import type { ConnectedAppDto } from '../../auth/mcp-oauth/connected-apps.ts';
import { apiGet } from '../fetcher.ts';
import { connectedAppKeys } from './keys.ts';

export function useConnectedAppsQuery(initial: ConnectedAppDto[]) {
  return useQuery({
    queryKey: connectedAppKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<{ connected_apps: ConnectedAppDto[] }>('/api/connected-apps', signal)).connected_apps,
    initialData: initial,
    refetchInterval: 60_000,
  });
}
