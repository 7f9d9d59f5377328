'use client';
// Hooks for the API keys page: list, create (the answer holds the key, shown once), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKeyDto, ApiKeyScope } from '../auth/api-keys.ts';
import { apiFetch, apiGet } from './fetcher.ts';
import { apiKeyKeys } from './keys.ts';

export function useApiKeysQuery(initial: ApiKeyDto[]) {
  return useQuery({
    queryKey: apiKeyKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<{ keys: ApiKeyDto[] }>('/api/keys', signal)).keys,
    initialData: initial,
    refetchInterval: 60_000,
  });
}

export function useCreateApiKeyMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (o: { name: string; scope: ApiKeyScope }) => apiFetch<ApiKeyDto & { key: string }>('/api/keys', { method: 'POST', json: o }),
    onSuccess: () => qc.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

export function useRevokeApiKeyMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ revoked: number }>(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
