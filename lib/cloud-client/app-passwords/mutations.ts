'use client';
// App passwords: create and revoke; each success refreshes the list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppPasswordDto } from '../../auth/app-passwords.ts';
import { apiFetch } from '../fetcher.ts';
import { appPasswordKeys } from './keys.ts';

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
