'use client';
// API keys: create and revoke; each success refreshes the list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiKeyDto, ApiKeyScope } from '../../auth/api-keys.ts';
import { apiFetch } from '../fetcher.ts';
import { apiKeyKeys } from './keys.ts';

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
