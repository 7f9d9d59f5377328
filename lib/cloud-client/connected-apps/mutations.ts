'use client';
// Connected apps: disconnect; a success refreshes the list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../fetcher.ts';
import { connectedAppKeys } from './keys.ts';

export function useDisconnectAppMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ revoked: number }>(`/api/connected-apps/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: connectedAppKeys.all }),
  });
}
