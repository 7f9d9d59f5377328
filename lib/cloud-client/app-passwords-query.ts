'use client';
// Hooks for the app passwords page: list, create (the answer holds the password, shown once), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppPasswordDto } from '../auth/app-passwords.ts';
import { apiFetch, apiGet } from './fetcher.ts';
import { appPasswordKeys } from './keys.ts';

export function useAppPasswordsQuery(initial: AppPasswordDto[]) {
  return useQuery({
    queryKey: appPasswordKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<{ app_passwords: AppPasswordDto[] }>('/api/app-passwords', signal)).app_passwords,
    initialData: initial,
    refetchInterval: 60_000,
  });
}

export function useCreateAppPasswordMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => apiFetch<AppPasswordDto & { password: string }>('/api/app-passwords', { method: 'POST', json: { name } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: appPasswordKeys.all }),
  });
}

export function useRevokeAppPasswordMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ revoked: number }>(`/api/app-passwords/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: appPasswordKeys.all }),
  });
}
