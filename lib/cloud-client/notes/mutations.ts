'use client';
// Notes, write: create, move, delete go to the tenant through /proxy (the CLI's routes, with the session cookie;
// the browser sends our Origin); the conflict-checked save and the reload of the current source go through our
// BFF. The pages are rendered on the server, so callers navigate or refresh on success; writes also invalidate
// the project's cached note queries.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch, apiGet } from '../fetcher.ts';
import { noteKeys } from './keys.ts';

const enc = (rel: string) => rel.split('/').map(encodeURIComponent).join('/');
const proj = (p: string) => encodeURIComponent(p);

interface EntityResponse { file_path: string; permalink: string | null; title: string }

export function useCreateNoteMutation(project: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (note: { title: string; folder: string; content: string }) => apiFetch<EntityResponse>(`/proxy/${proj(project)}/knowledge/entities`, { method: 'POST', json: note }),
    onSuccess: () => qc.invalidateQueries({ queryKey: noteKeys.project(project) }),
  });
}

export function useMoveNoteMutation(project: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { identifier: string; destination: string }) =>
      apiFetch<EntityResponse>(`/proxy/${proj(project)}/knowledge/move`, { method: 'POST', json: { identifier: v.identifier, destination_path: v.destination } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: noteKeys.project(project) }),
  });
}

export function useDeleteNoteMutation(project: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (filePath: string) => apiFetch<{ deleted: boolean }>(`/proxy/${proj(project)}/knowledge/entities/${enc(filePath)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: noteKeys.project(project) }),
  });
}

/** Saves the source if the file on disk is still the version `baseChecksum`, sent as If-Match (else 409 with `detail.error = "conflict"`). */
export const useSaveNoteSourceMutation = (project: string, filePath: string) => useMutation({
  mutationFn: (v: { content: string; baseChecksum: string }) =>
    apiFetch<{ checksum: string }>(`/api/projects/${proj(project)}/notes/${enc(filePath)}`, { method: 'PUT', headers: { 'if-match': `"${v.baseChecksum}"` }, json: { content: v.content } }),
});

/** Reads the current source and checksum again (after a conflict), to edit the version now on disk. */
export const useReloadNoteSourceMutation = (project: string, filePath: string) => useMutation({
  mutationFn: () => apiGet<{ kind: 'note'; source: string; checksum: string; truncated: boolean }>(`/api/projects/${proj(project)}/notes/${enc(filePath)}`),
});
