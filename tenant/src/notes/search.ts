// Full-text search over one project (FTS5, bm25 ranked: title ×10, permalink ×2, text ×1), with snippets and paging.
import type { SearchPage, SearchResult } from '../engine-types.ts';
import type { IndexStore } from '../index/store.ts';

/** User text → FTS5 query: every word must match, as a prefix. Operators are never passed through (no syntax errors). */
export function toFtsQuery(text: string): string | null {
  const words = (text.normalize('NFC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
  if (!words.length) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

export function searchProject(store: IndexStore, projectId: number, q: { text: string; page: number; page_size: number }): SearchPage {
  const page = Math.max(1, Math.floor(q.page) || 1);
  const size = Math.max(1, Math.min(100, Math.floor(q.page_size) || 10));
  const fts = toFtsQuery(q.text ?? '');
  if (!fts) return { results: [], current_page: page, page_size: size, has_more: false };
  const rows = store.db.prepare(`SELECT e.*, bm25(search, 10.0, 1.0, 2.0) AS rank,
      snippet(search, 1, '', '', '…', 24) AS snip, snippet(search, 1, '<mark>', '</mark>', '…', 24) AS msnip
    FROM search JOIN entity e ON e.id = search.rowid
    WHERE search MATCH ? AND e.project_id = ? ORDER BY rank LIMIT ? OFFSET ?`).all(fts, projectId, size + 1, (page - 1) * size) as Record<string, unknown>[];
  const results: SearchResult[] = rows.slice(0, size).map((r) => {
    let metadata: Record<string, unknown> = {};
    try { metadata = JSON.parse(r.entity_metadata as string); } catch { /* always JSON */ }
    return {
      title: r.title as string, type: 'entity', permalink: r.permalink as string | null, file_path: r.file_path as string,
      score: -(r.rank as number), content: ((r.snip as string) || '').trim(), matched_snippet: ((r.msnip as string) || '').trim(),
      entity_id: r.id as number, entity_type: r.entity_type as string, content_type: r.content_type as string, metadata,
      category: null, from_entity: null, to_entity: null, relation_type: null,
      created_at: r.created_at as string, updated_at: r.updated_at as string,
    };
  });
  return { results, current_page: page, page_size: size, has_more: rows.length > size };
}
