// Browser calls of the notes browser: writes go to the tenant through /proxy (the CLI's routes, with the
// session cookie; the browser sends our Origin), reads and the conflict-checked save through our BFF.
import { apiFetch, apiGet } from './fetcher.ts';

const enc = (rel: string) => rel.split('/').map(encodeURIComponent).join('/');
const proj = (p: string) => encodeURIComponent(p);

export interface EntityResponse { file_path: string; permalink: string | null; title: string }

export const createNote = (project: string, note: { title: string; folder: string; content: string }) =>
  apiFetch<EntityResponse>(`/proxy/${proj(project)}/knowledge/entities`, { method: 'POST', json: note });

export const moveNote = (project: string, identifier: string, destination: string) =>
  apiFetch<EntityResponse>(`/proxy/${proj(project)}/knowledge/move`, { method: 'POST', json: { identifier, destination_path: destination } });

export const deleteNote = (project: string, filePath: string) =>
  apiFetch<{ deleted: boolean }>(`/proxy/${proj(project)}/knowledge/entities/${enc(filePath)}`, { method: 'DELETE' });

export interface SaveResult { checksum: string }
/** Saves the source if the file on disk is still the version `baseChecksum`, sent as If-Match (else 409 with `detail.error = "conflict"`). */
export const saveNoteSource = (project: string, filePath: string, content: string, baseChecksum: string) =>
  apiFetch<SaveResult>(`/api/projects/${proj(project)}/notes/${enc(filePath)}`, { method: 'PUT', headers: { 'if-match': `"${baseChecksum}"` }, json: { content } });

export interface NoteSourceView { kind: 'note'; source: string; checksum: string; truncated: boolean }
export const getNoteView = (project: string, filePath: string, signal?: AbortSignal) =>
  apiGet<NoteSourceView>(`/api/projects/${proj(project)}/notes/${enc(filePath)}`, signal);

interface SearchHit {
  project: string; title: string; file_path: string; href: string; entity_type: string | null;
  excerpt: { text: string; mark: boolean }[]; tags: string[]; categories: string[];
}
export interface SearchAnswer { results: SearchHit[]; projects: string[]; has_more: boolean; page: number; skipped: { project: string; reason: string }[] }
export const searchNotes = (params: URLSearchParams, signal?: AbortSignal) => apiGet<SearchAnswer>(`/api/search?${params}`, signal);
