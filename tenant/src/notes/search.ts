// Full-text search over one project (FTS5, bm25 ranked: title ×10, text ×1, permalink ×2), with snippets and paging,
// and upstream's filters: note type, item type (notes, observations, relations), after a date.
import type { SearchPage, SearchResult } from '../engine-types.ts';
import type { EntityRow, IndexStore } from '../index/store.ts';
import { toFtsQuery } from './fts-query.ts';
import { observationsOf, observationSummary, relationsTouching, relationSummary } from './memory-context.ts';

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

type SearchItemType = 'entity' | 'observation' | 'relation';

/** Upstream SearchQuery's text and filters (v0.16 `types`, v0.19+ `note_types`, both: `entity_types`, `after_date`). */
export interface SearchQuery {
  text: string;
  page: number;
  page_size: number;
  /** v0.16: the note's frontmatter type, exact. */
  types?: string[] | null;
  /** v0.19+: the note's frontmatter type, any case. */
  note_types?: string[] | null;
  /** Which items: notes, their observations, their relations (default: notes only, as our index rows are notes). */
  entity_types?: SearchItemType[] | null;
  /** Items after this instant; v0.16 compares created_at, v0.22.1 updated_at. Newest first among equal ranks. */
  after?: { iso: string; field: 'created_at' | 'updated_at' } | null;
  /** Notes with any of these tags, in their frontmatter or on one of their observations (any case, no '#'). */
  tags?: string[] | null;
  /** Notes with an observation in any of these categories (any case; an observation without one is 'note'); observation items only of these. */
  categories?: string[] | null;
  /**
   * Upstream's frontmatter filters, `{field: value}` (a dotted name reaches into nested fields): a scalar is equal, a list
   * means the field holds every listed value (any case; a comma-separated string counts as a list, `#` ignored), and
   * `{"$in": [...]}` any of them.
   */
  metadata_filters?: Record<string, unknown> | null;
  /** Upstream: frontmatter `status`, any case. */
  status?: string | null;
  /** Ours (search_type "title" / "permalink"): the title or permalink contains this text, any case. */
  title_contains?: string | null;
  permalink_contains?: string | null;
}

/** A frontmatter field name as a JSON path (`a.b` → `$."a"."b"`); names are checked by the route. */
const metadataPath = (field: string) => `$.${field.split('.').map((seg) => `"${seg.replace(/"/g, '')}"`).join('.')}`;
const tagText = (v: unknown) => String(v).trim().replace(/^#/, '').toLowerCase();

/** SQL conditions (and their parameters) for upstream's metadata filters. */
function metadataConditions(filters: Record<string, unknown>, where: string[], params: (string | number)[]): void {
  for (const [field, value] of Object.entries(filters)) {
    const path = metadataPath(field);
    const contains = (v: unknown) => {
      where.push(`(EXISTS (SELECT 1 FROM json_each(e.entity_metadata, ?) t WHERE lower(ltrim(trim(CAST(t.value AS TEXT)), '#')) = ?)
        OR (json_type(e.entity_metadata, ?) = 'text' AND instr(',' || replace(replace(lower(json_extract(e.entity_metadata, ?)), ' ', ''), '#', '') || ',', ',' || ? || ',') > 0))`);
      params.push(path, tagText(v), path, path, tagText(v).replace(/ /g, ''));
    };
    if (Array.isArray(value)) { for (const v of value) contains(v); continue; }
    if (value && typeof value === 'object') {
      const ins = (value as { $in?: unknown }).$in;
      // the route's schema admits nothing else
      if (!Array.isArray(ins) || Object.keys(value).length !== 1) throw new Error(`metadata filter '${field}': only a value, a list or {"$in": [...]} is supported`);
      where.push(`CAST(json_extract(e.entity_metadata, ?) AS TEXT) IN (SELECT CAST(value AS TEXT) FROM json_each(?))`);
      params.push(path, JSON.stringify(ins.map((v) => (typeof v === 'boolean' ? Number(v) : v))));
      continue;
    }
    if (value === null) { where.push(`json_type(e.entity_metadata, ?) = 'null'`); params.push(path); continue; }
    if (typeof value === 'boolean') { where.push(`json_type(e.entity_metadata, ?) = ?`); params.push(path, value ? 'true' : 'false'); continue; }
    where.push(`CAST(json_extract(e.entity_metadata, ?) AS TEXT) = ?`);
    params.push(path, String(value));
  }
}

// Observation and relation items are cut from the matching notes in rank order; past this many notes a page of them stops.
const ITEM_SCAN_NOTES = 2000;

const wordRegexes = (words: string[]) => words.map((w) => new RegExp(`(?<![\\p{L}\\p{N}_])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'iu'));

export function searchProject(store: IndexStore, projectId: number, q: SearchQuery): SearchPage {
  const page = Math.max(1, Math.floor(q.page) || 1);
  const size = Math.max(1, Math.min(100, Math.floor(q.page_size) || 10));
  const empty = { results: [], current_page: page, page_size: size, has_more: false };
  const fts = toFtsQuery(q.text ?? '');
  const words = fts ? (q.text.normalize('NFC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16) : [];
  const where: string[] = ['e.project_id = ?'];
  const params: (string | number)[] = [projectId];
  if (q.types?.length) { where.push('e.entity_type IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(q.types)); }
  if (q.note_types?.length) { where.push('lower(e.entity_type) IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(q.note_types.map((t) => t.toLowerCase()))); }
  // stored times are ISO-8601 UTC with milliseconds, so text order is time order
  if (q.after) { where.push(`e.${q.after.field === 'created_at' ? 'created_at' : 'updated_at'} > ?`); params.push(q.after.iso); }
  // Tag and category filters run here, before LIMIT/OFFSET, so every page is full and has_more is honest.
  if (q.tags?.length) {
    const tags = JSON.stringify(q.tags.map((t) => t.replace(/^#/, '').toLowerCase()));
    where.push(`(EXISTS (SELECT 1 FROM json_each(e.entity_metadata, '$.tags') t WHERE lower(t.value) IN (SELECT value FROM json_each(?)))
      OR EXISTS (SELECT 1 FROM json_each(e.observations) o, json_each(o.value, '$.tags') ot WHERE lower(ot.value) IN (SELECT value FROM json_each(?))))`);
    params.push(tags, tags);
  }
  if (q.categories?.length) {
    where.push(`EXISTS (SELECT 1 FROM json_each(e.observations) o WHERE lower(coalesce(json_extract(o.value, '$.category'), 'note')) IN (SELECT value FROM json_each(?)))`);
    params.push(JSON.stringify(q.categories.map((c) => c.toLowerCase())));
  }
  // Frontmatter, status, title and permalink filters too: all before LIMIT/OFFSET.
  if (q.metadata_filters && Object.keys(q.metadata_filters).length) metadataConditions(q.metadata_filters, where, params);
  if (q.status) { where.push(`lower(CAST(json_extract(e.entity_metadata, '$.status') AS TEXT)) = ?`); params.push(q.status.toLowerCase()); }
  if (q.title_contains) { where.push('instr(lower(e.title), ?) > 0'); params.push(q.title_contains.toLowerCase()); }
  if (q.permalink_contains) { where.push(`instr(lower(coalesce(e.permalink, '')), ?) > 0`); params.push(q.permalink_contains.toLowerCase()); }
  const hasFilter = !!(q.types?.length || q.note_types?.length || q.entity_types?.length || q.after || q.tags?.length || q.categories?.length
    || (q.metadata_filters && Object.keys(q.metadata_filters).length) || q.status || q.title_contains || q.permalink_contains);
  // Upstream: no text and no filter is no criteria (nothing); filters alone list every item that passes them.
  if (!fts && !hasFilter) return empty;
  const order = q.after ? `, e.${q.after.field === 'created_at' ? 'created_at' : 'updated_at'} DESC` : '';
  const sql = fts
    ? `SELECT e.*, bm25(search, 10.0, 1.0, 2.0) AS rank FROM search JOIN entity e ON e.id = search.rowid
       WHERE search MATCH ? AND ${where.join(' AND ')} ORDER BY rank${order}, e.id`
    : `SELECT e.*, 0 AS rank FROM entity e WHERE ${where.join(' AND ')} ORDER BY e.updated_at DESC, e.id`;
  const args = fts ? [fts, ...params] : params;
  const want = new Set<SearchItemType>(q.entity_types?.length ? q.entity_types : ['entity']);
  const offset = (page - 1) * size;
  const contentOf = store.db.prepare('SELECT content FROM search WHERE rowid = ?');
  const entityResult = (r: Record<string, unknown>): SearchResult => {
    const snip = snippetOf(((contentOf.get(r.id as number) as { content: string | null } | undefined)?.content) ?? '', words);
    return { ...baseResult(r), type: 'entity', content: snip.plain.trim(), matched_snippet: snip.marked.trim() };
  };
  if (want.size === 1 && want.has('entity')) {
    // Notes only (the default): one page straight from SQL.
    const rows = store.db.prepare(`${sql} LIMIT ? OFFSET ?`).all(...args, size + 1, offset) as Record<string, unknown>[];
    return { results: rows.slice(0, size).map(entityResult), current_page: page, page_size: size, has_more: rows.length > size };
  }
  // Observations and relations live in their note: walk the matching notes in rank order, expand each into the items
  // asked for that match every word, until one past the page.
  const res = wordRegexes(words);
  const matches = (text: string) => res.every((rx) => rx.test(text));
  const categories = q.categories?.length ? new Set(q.categories.map((c) => c.toLowerCase())) : null;
  const out: SearchResult[] = [];
  let skipped = 0;
  let hasMore = false;
  const rows = store.db.prepare(`${sql} LIMIT ?`).all(...args, ITEM_SCAN_NOTES) as Record<string, unknown>[];
  outer: for (const r of rows) {
    const e = r as unknown as EntityRow;
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
      for (const rel of relationsTouching(store, projectId, [e.id]).filter((x) => x.from_id === e.id)) {
        if (!matches(`${rel.relation_type} ${rel.to_name} ${rel.to_title ?? ''}`)) continue;
        items.push(() => {
          const s = relationSummary(rel, ''); // only title and permalink are used here
          return { ...baseResult(r), type: 'relation', title: s.title, permalink: s.permalink, content: '', matched_snippet: '',
            from_entity: e.permalink ?? e.file_path, to_entity: rel.to_permalink, relation_type: rel.relation_type };
        });
      }
    }
    for (const make of items) {
      if (skipped < offset) { skipped++; continue; }
      if (out.length === size) { hasMore = true; break outer; }
      out.push(make());
    }
  }
  return { results: out, current_page: page, page_size: size, has_more: hasMore };
}

function baseResult(r: Record<string, unknown>): Omit<SearchResult, 'type' | 'content' | 'matched_snippet'> {
  let metadata: Record<string, unknown> = {};
  try { metadata = JSON.parse(r.entity_metadata as string); } catch { /* always JSON */ }
  return {
    title: r.title as string, permalink: r.permalink as string | null, file_path: r.file_path as string,
    score: -(r.rank as number), entity_id: r.id as number, entity_type: r.entity_type as string, content_type: r.content_type as string, metadata,
    category: null, from_entity: null, to_entity: null, relation_type: null,
    created_at: r.created_at as string, updated_at: r.updated_at as string,
  };
}

function markWords(text: string, res: RegExp[]): string {
  if (!res.length) return text;
  const all = new RegExp(`${res.map((rx) => `(?:${rx.source}[\\p{L}\\p{N}_]*)`).join('|')}`, 'giu');
  return text.replace(all, (x) => `<mark>${x}</mark>`);
}
