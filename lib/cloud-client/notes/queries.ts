'use client';
// Notes, read: search across projects (one cached answer per query and filters; the previous answer stays
// shown while the next one loads).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiGet } from '../fetcher.ts';
import { noteKeys } from './keys.ts';

interface SearchHit {
  project: string; title: string; file_path: string; href: string; entity_type: string | null;
  excerpt: { text: string; mark: boolean }[]; tags: string[]; categories: string[];
}
export interface SearchAnswer { results: SearchHit[]; projects: string[]; has_more: boolean; page: number; skipped: { project: string; reason: string }[] }
export type SearchParams = Parameters<typeof noteKeys.search>[0];

/** The URL query of a search ("q=…&project=…"), empty parts left out. */
export function searchQuery(p: SearchParams): URLSearchParams {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) u.set(k, v);
  return u;
}

export function useSearchNotesQuery(params: SearchParams, opts: { enabled: boolean; initialData?: SearchAnswer }) {
  return useQuery({
    queryKey: noteKeys.search(params),
    queryFn: ({ signal }) => apiGet<SearchAnswer>(`/api/search?${searchQuery(params)}`, signal),
    enabled: opts.enabled,
    initialData: opts.initialData,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}
