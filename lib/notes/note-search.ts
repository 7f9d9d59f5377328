// Search for the notes browser and its BFF route: the tenant's full-text search (POST /{project}/search/,
// the CLI's route) in one project or in each of the caller's projects, with filters by note type, tag and
// observation category. The tenant ranks and cuts excerpts (matched terms between <mark> tags, which are
// turned into data here, never into HTML) and applies every filter before paging, so pages are full and
// `has_more` is honest; the filters are checked again here on what it returns (a guard, never a page cut).
// Filters alone (no words) list the notes that pass them, newest first.
import { z } from 'zod';
import { parseNote } from '../../tenant/src/markdown/parse-note.ts';
import { notesHref } from './note-paths.ts';
import { listProjects, readFile, searchProject, TenantNotesError, type SearchResult } from './tenant-notes.ts';

export const SearchParams = z.object({
  q: z.string().trim().max(200).default(''),
  project: z.string().trim().min(1).max(200).optional(),
  type: z.string().trim().min(1).max(100).optional(),
  tag: z.string().trim().min(1).max(100).transform((t) => t.replace(/^#/, '')).optional(),
  category: z.string().trim().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
});
export type SearchParams = z.infer<typeof SearchParams>;

interface SearchHit {
  project: string; title: string; file_path: string; href: string; entity_type: string | null;
  excerpt: { text: string; mark: boolean }[]; tags: string[]; categories: string[];
}
export interface SearchAnswer { results: SearchHit[]; projects: string[]; has_more: boolean; page: number; skipped: { project: string; reason: string }[] }

const PAGE_SIZE = 10;

/** `a <mark>b</mark> c` → [{a}, {b, mark}, {c}]; anything else in the text stays text. */
export function excerptParts(snippet: string): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(snippet)) !== null) {
    if (m.index > last) out.push({ text: snippet.slice(last, m.index), mark: false });
    out.push({ text: m[1]!, mark: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) out.push({ text: snippet.slice(last), mark: false });
  return out;
}

/** `#tag` and `type:x` in the query text become filters (Quartz / BM Cloud shorthands). */
export function splitShorthands(p: SearchParams): SearchParams {
  let q = p.q;
  let tag = p.tag;
  let type = p.type;
  q = q.replace(/(^|\s)#([\p{L}\p{N}_/-]+)/gu, (_m, sp: string, t: string) => { tag ??= t; return sp; });
  q = q.replace(/(^|\s)type:(\S+)/g, (_m, sp: string, t: string) => { type ??= t; return sp; });
  return { ...p, q: q.trim(), tag, type };
}

function metadataTags(md: Record<string, unknown> | null | undefined): string[] {
  const t = md?.tags;
  if (Array.isArray(t)) return t.map(String);
  if (typeof t === 'string') return t.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim().replace(/^['"#]+|['"]+$/g, '')).filter(Boolean);
  return [];
}

export async function searchNotes(tenantId: string, raw: SearchParams): Promise<SearchAnswer> {
  const p = splitShorthands(raw);
  const projects = p.project ? [p.project] : (await listProjects(tenantId)).projects.map((x) => x.name);
  const skipped: SearchAnswer['skipped'] = [];
  if (!p.q && !p.tag && !p.category && !p.type) return { results: [], projects, has_more: false, page: p.page, skipped };
  const needFile = !!(p.tag || p.category);
  const perProject = await Promise.all(projects.map(async (project) => {
    try {
      const page = await searchProject(tenantId, project, { text: p.q, page: p.page, pageSize: PAGE_SIZE, ...(p.type ? { types: [p.type] } : {}),
        ...(p.tag ? { tags: [p.tag] } : {}), ...(p.category ? { categories: [p.category] } : {}) });
      const hits = await Promise.all(page.results.map((r) => toHit(tenantId, project, r, needFile)));
      return { hits: hits.filter((h) => matches(h, p)), more: !!page.has_more };
    } catch (e) {
      skipped.push({ project, reason: e instanceof TenantNotesError ? e.message : 'search failed' });
      return { hits: [], more: false };
    }
  }));
  return { results: perProject.flatMap((x) => x.hits), projects, has_more: perProject.some((x) => x.more), page: p.page, skipped };
}

async function toHit(tenantId: string, project: string, r: SearchResult, needFile: boolean): Promise<SearchHit> {
  let tags = metadataTags(r.metadata);
  let categories: string[] = [];
  if (needFile && /\.md$/i.test(r.file_path)) {
    const f = await readFile(tenantId, project, r.file_path, 1024 * 1024).catch(() => null);
    if (f) {
      const n = parseNote(r.file_path, f.bytes);
      tags = [...new Set([...n.tags, ...n.observations.flatMap((o) => o.tags)])];
      categories = [...new Set(n.observations.map((o) => o.category ?? 'note'))];
    }
  }
  const snippet = r.matched_snippet || r.content || '';
  return {
    project, title: r.title ?? r.file_path, file_path: r.file_path, href: notesHref(project, r.file_path),
    entity_type: r.entity_type ?? (typeof r.metadata?.type === 'string' ? r.metadata.type : null),
    excerpt: excerptParts(snippet), tags, categories,
  };
}

function matches(h: SearchHit, p: SearchParams): boolean {
  if (p.type && h.entity_type !== p.type) return false;
  if (p.tag && !h.tags.some((t) => t.toLowerCase() === p.tag!.toLowerCase())) return false;
  if (p.category && !h.categories.some((c) => c.toLowerCase() === p.category!.toLowerCase())) return false;
  return true;
}
