'use client';
// Hooks for the snapshots pages: the list, take a snapshot, restore (a file, a folder, a project; in place or as a
// copy), delete. Every call goes to the BFF JSON routes (/api/bucket-snapshots…, upstream's API).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SnapshotResponse } from '../../snapshots/snapshot-shapes.ts';
import { apiFetch } from '../fetcher.ts';
import { noteKeys } from '../notes/keys.ts';
import { snapshotKeys } from './keys.ts';

export interface RestoreAnswer {
  restored: string[];
  snapshot_version: string;
  snapshot_id: string;
  replaced: { path: string; trash_id: string }[];
  unchanged: string[];
}

export function useCreateSnapshotMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (description: string) => apiFetch<SnapshotResponse>('/api/bucket-snapshots', { method: 'POST', json: { description } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: snapshotKeys.all }),
  });
}

export function useRestoreMutation(snapshotId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { path: string; asCopy: boolean; kind?: 'file' | 'folder' }) =>
      apiFetch<RestoreAnswer>(`/api/bucket-snapshots/${encodeURIComponent(snapshotId)}/restore`, { method: 'POST', json: { path: v.path, as_copy: v.asCopy, ...(v.kind ? { kind: v.kind } : {}) } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: noteKeys.all });
      void qc.invalidateQueries({ queryKey: snapshotKeys.all });
    },
  });
}

export function useDeleteSnapshotMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ deleted: boolean }>(`/api/bucket-snapshots/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: snapshotKeys.all }),
  });
}

export function useRestoreWriteVersionMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { key: string; version: string }) =>
      apiFetch<{ file_path: string; checksum: string }>('/api/tenant/note-history/restore', { method: 'POST', json: { key: v.key, version: v.version } }),
    onSuccess: () => { void qc.invalidateQueries({ queryKey: noteKeys.all }); },
  });
}
