'use client';
// API keys: the list (refreshed every minute).
import { useQuery } from '@tanstack/react-query';
import type { ApiKeyDto } from '../../auth/api-keys.ts';
import { apiGet } from '../fetcher.ts';
import { apiKeyKeys } from './keys.ts';

export function useApiKeysQuery(initial: ApiKeyDto[]) {
  return useQuery({
    queryKey: apiKeyKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<{ keys: ApiKeyDto[] }>('/api/keys', signal)).keys,
    initialData: initial,
    refetchInterval: 60_000,
  });
}
