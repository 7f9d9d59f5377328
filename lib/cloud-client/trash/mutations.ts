'use client';
// Trash rows: restore to where it was, or delete for good. The list itself is rendered on the server, so a
// success refreshes the page (the caller's onSuccess) rather than a query.
import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '../fetcher.ts';

const item = (id: string) => `/api/tenant/trash/${encodeURIComponent(id)}`;

export const useRestoreTrashMutation = () => useMutation({ mutationFn: (id: string) => apiFetch<unknown>(`${item(id)}/restore`, { method: 'POST' }) });

export const usePurgeTrashMutation = () => useMutation({ mutationFn: (id: string) => apiFetch<unknown>(item(id), { method: 'DELETE' }) });
