// Full-text search over one project (FTS5, bm25 ranked: title ×10, text ×1, permalink ×2), with snippets and paging.
import type { SearchPage, SearchResult } from '../engine-types.ts';
import type { IndexStore } from '../index/store.ts';

/** User text → FTS5 query: every word must match, as a prefix. Operators are never passed through (no syntax errors). */
export function toFtsQuery(text: string): string | null {
  const words = (text.normalize('NFC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
  if (!words.length) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

// Ranking and snippets are separate steps: FTS5's snippet() would be evaluated for every matching note before the
// sort (most of the query's CPU on a large project); here it is cut in JS for the page's rows only.
const SNIPPET_WORDS = 24;

function snippetOf(content: string, words: string[]): { plain: string; marked: string } {
  if (!content) return { plain: '', marked: '' };
  const alt = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const hit = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alt})[\\p{L}\\p{N}_]*`, 'iu');
  // Only the text around the first hit is cut into words: notes can be megabytes long.
  const m = hit.exec(content.length > 1_000_000 ? content.slice(0, 1_000_000) : content);
  const center = m ? m.index : 0;
  const start = Math.max(0, center - 400);
  const end = Math.min(content.length, center + 800);
  let tokens = [...content.slice(start, end).matchAll(/\S+/g)];
  if (start > 0) tokens = tokens.slice(1); // may be cut
  if (end < content.length) tokens = tokens.slice(0, -1);
  let at = tokens.findIndex((t) => start + t.index! + t[0].length > center);
  if (at < 0) at = 0;
  const from = Math.max(0, at - Math.floor(SNIPPET_WORDS / 2));
  const to = Math.min(tokens.length, from + SNIPPET_WORDS);
  const slice = tokens.slice(from, to).map((t) => t[0]);
  const pre = start > 0 || from > 0 ? '…' : '';
  const post = end < content.length || to < tokens.length ? '…' : '';
  const markAll = new RegExp(hit.source, 'giu');
  return { plain: `${pre}${slice.join(' ')}${post}`, marked: `${pre}${slice.map((w) => w.replace(markAll, (x) => `<mark>${x}</mark>`)).join(' ')}${post}` };
}

export function searchProject(store: IndexStore, projectId: number, q: { text: string; page: number; page_size: number }): SearchPage {
  const page = Math.max(1, Math.floor(q.page) || 1);
  const size = Math.max(1, Math.min(100, Math.floor(q.page_size) || 10));
  const fts = toFtsQuery(q.text ?? '');
  if (!fts) return { results: [], current_page: page, page_size: size, has_more: false };
  const words = (q.text.normalize('NFC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
  const rows = store.db.prepare(`SELECT e.*, bm25(search, 10.0, 1.0, 2.0) AS rank
    FROM search JOIN entity e ON e.id = search.rowid
    WHERE search MATCH ? AND e.project_id = ? ORDER BY rank LIMIT ? OFFSET ?`).all(fts, projectId, size + 1, (page - 1) * size) as Record<string, unknown>[];
  const contentOf = store.db.prepare('SELECT content FROM search WHERE rowid = ?');
  const results: SearchResult[] = rows.slice(0, size).map((r) => {
    let metadata: Record<string, unknown> = {};
    try { metadata = JSON.parse(r.entity_metadata as string); } catch { /* always JSON */ }
    const snip = snippetOf(((contentOf.get(r.id as number) as { content: string | null } | undefined)?.content) ?? '', words);
    return {
      title: r.title as string, type: 'entity', permalink: r.permalink as string | null, file_path: r.file_path as string,
      score: -(r.rank as number), content: snip.plain.trim(), matched_snippet: snip.marked.trim(),
      entity_id: r.id as number, entity_type: r.entity_type as string, content_type: r.content_type as string, metadata,
      category: null, from_entity: null, to_entity: null, relation_type: null,
      created_at: r.created_at as string, updated_at: r.updated_at as string,
    };
  });
  return { results, current_page: page, page_size: size, has_more: rows.length > size };
}
