// Full-text search over one project (FTS5, bm25 ranked: title ×10, text ×1, permalink ×2), with snippets and paging,
// and upstream's filters: note type, item type (notes, observations, relations), after a date.
import type { SearchPage, SearchResult } from '../engine-types.ts';
import type { IndexStore } from '../index/store.ts';
import { relationsTouching } from '../repositories/relation-repository.ts';
import { countNotes, searchNotes, searchTextReader, type NoteSearchFilter, type RankedEntityRow } from '../repositories/search-repository.ts';
import { toFtsQuery } from './fts-query.ts';
import { observationsOf, observationSummary, relationSummary } from './memory-context.ts';

// Ranking and snippets are separate steps: FTS5's snippet() would be evaluated for every matching note before the
// sort (most of the query's CPU on a large project); here it is cut in JS for the page's rows only.
const SNIPPET_WORDS = 24;

/** The query words' first hit and every hit (to mark), built once per search. */
interface SnippetWords { hit: RegExp; markAll: RegExp }
function snippetWords(words: string[]): SnippetWords {
  const alt = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const hit = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alt})[\\p{L}\\p{N}_]*`, 'iu');
  return { hit, markAll: new RegExp(hit.source, 'giu') };
}

function snippetOf(content: string, { hit, markAll }: SnippetWords): { plain: string; marked: string } {
  if (!content) return { plain: '', marked: '' };
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
  return { plain: `${pre}${slice.join(' ')}${post}`, marked: `${pre}${slice.map((w) => w.replace(markAll, (x) => `<mark>${x}</mark>`)).join(' ')}${post}` };
}

type SearchItemType = 'entity' | 'observation' | 'relation';

/** Upstream SearchQuery: the text, the page, which items, and the note filters (documented on `NoteSearchFilter`). */
export interface SearchQuery extends Omit<NoteSearchFilter, 'fts'> {
  text: string;
  page: number;
  page_size: number;
  /** Which items: notes, their observations, their relations (default: notes only, as our index rows are notes). */
  entity_types?: SearchItemType[] | null;
}

// Observation and relation items are cut from the matching notes in rank order; past this many notes a page of them stops.
const ITEM_SCAN_NOTES = 2000;

const wordRegexes = (words: string[]) => words.map((w) => new RegExp(`(?<![\\p{L}\\p{N}_])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'iu'));

export function searchProject(store: IndexStore, projectId: number, q: SearchQuery): SearchPage {
  const page = Math.max(1, Math.floor(q.page) || 1);
  const size = Math.max(1, Math.min(100, Math.floor(q.page_size) || 10));
  const empty = { results: [], current_page: page, page_size: size, total: 0, has_more: false };
  const fts = toFtsQuery(q.text ?? '');
  const words = fts ? (q.text.normalize('NFC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16) : [];
  const hasFilter = !!(q.types?.length || q.note_types?.length || q.entity_types?.length || q.after || q.tags?.length || q.categories?.length
    || (q.metadata_filters && Object.keys(q.metadata_filters).length) || q.status || q.title_contains || q.permalink_contains);
  // Upstream: no text and no filter is no criteria (nothing); filters alone list every item that passes them.
  if (!fts && !hasFilter) return empty;
  const filter = {
    fts, types: q.types, note_types: q.note_types, after: q.after, tags: q.tags, categories: q.categories,
    metadata_filters: q.metadata_filters, status: q.status, title_contains: q.title_contains, permalink_contains: q.permalink_contains,
  };
  const want = new Set<SearchItemType>(q.entity_types?.length ? q.entity_types : ['entity']);
  const offset = (page - 1) * size;
  const contentOf = searchTextReader(store.db);
  const snippetRes = snippetWords(words);
  const entityResult = (r: RankedEntityRow): SearchResult => {
    const snip = snippetOf(contentOf(r.id) ?? '', snippetRes);
    return { ...baseResult(r), type: 'entity', content: snip.plain.trim(), matched_snippet: snip.marked.trim() };
  };
  if (want.size === 1 && want.has('entity')) {
    // Notes only (the default): one page straight from SQL.
    const rows = searchNotes(store.db, projectId, filter, { limit: size + 1, offset });
    // A short page that is not past the end tells the total by itself; otherwise count (no ranking).
    const total = rows.length <= size && (rows.length > 0 || offset === 0) ? offset + rows.length : countNotes(store.db, projectId, filter);
    return { results: rows.slice(0, size).map(entityResult), current_page: page, page_size: size, total, has_more: rows.length > size };
  }
  // Observations and relations live in their note: walk the matching notes in rank order (at most ITEM_SCAN_NOTES) and
  // expand each into the items asked for that match every word; all are counted, the page's are built.
  const res = wordRegexes(words);
  const matches = (text: string) => res.every((rx) => rx.test(text));
  const categories = q.categories?.length ? new Set(q.categories.map((c) => c.toLowerCase())) : null;
  const out: SearchResult[] = [];
  let total = 0;
  const rows = searchNotes(store.db, projectId, filter, { limit: ITEM_SCAN_NOTES });
  for (const r of rows) {
    const e = r;
    const items: (() => SearchResult)[] = [];
    if (want.has('entity')) items.push(() => entityResult(r));
    if (want.has('observation')) {
      for (const o of observationsOf(e)) {
        if (categories && !categories.has((o.category ?? 'note').toLowerCase())) continue;
        if (!matches(`${o.category ?? ''} ${o.content} ${o.tags.map((t) => `#${t}`).join(' ')}`)) continue;
        items.push(() => {
          const s = observationSummary(e, o, ''); // only title and permalink are used here
          return { ...baseResult(r), type: 'observation', title: s.title, permalink: s.permalink, content: o.content,
            matched_snippet: markWords(o.content, res), category: s.category };
        });
      }
    }
    if (want.has('relation')) {
      for (const rel of relationsTouching(store.db, projectId, [e.id]).filter((x) => x.from_id === e.id)) {
        if (!matches(`${rel.relation_type} ${rel.to_name} ${rel.to_title ?? ''}`)) continue;
        items.push(() => {
          const s = relationSummary(rel, ''); // only title and permalink are used here
          return { ...baseResult(r), type: 'relation', title: s.title, permalink: s.permalink, content: '', matched_snippet: '',
            from_entity: e.permalink ?? e.file_path, to_entity: rel.to_permalink, relation_type: rel.relation_type };
        });
      }
    }
    // Every matching item is counted (the total); only the page's are built.
    for (const make of items) {
      if (total >= offset && out.length < size) out.push(make());
      total++;
    }
  }
  return { results: out, current_page: page, page_size: size, total, has_more: offset + out.length < total };
}

function baseResult(r: RankedEntityRow): Omit<SearchResult, 'type' | 'content' | 'matched_snippet'> {
  let metadata: Record<string, unknown> = {};
  try { metadata = JSON.parse(r.entity_metadata); } catch { /* always JSON */ }
  return {
    title: r.title, permalink: r.permalink, file_path: r.file_path,
    score: -r.rank, entity_id: r.id, entity_type: r.entity_type, content_type: r.content_type, metadata,
    category: null, from_entity: null, to_entity: null, relation_type: null,
    created_at: r.created_at, updated_at: r.updated_at,
  };
}

function markWords(text: string, res: RegExp[]): string {
  if (!res.length) return text;
  const all = new RegExp(`${res.map((rx) => `(?:${rx.source}[\\p{L}\\p{N}_]*)`).join('|')}`, 'giu');
  return text.replace(all, (x) => `<mark>${x}</mark>`);
}
