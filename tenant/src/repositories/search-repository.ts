// The index's full-text rows (FTS5 `search`, rowid = entity id): the search query with its filters, note text
// reads and the rebuild of one project's rows. Rows are written by the IndexStore, batched before commit.
import type { DatabaseSync } from 'node:sqlite';
import { BM25, projectMatch } from '../index/search-match.ts';
import type { EntityRow } from '../index/store.ts';

/**
 * Which notes a search returns: the FTS query (null: filters alone) and upstream's filters (v0.16 `types`, v0.19+
 * `note_types`, `after_date`, tags, categories, frontmatter). All apply in SQL before LIMIT/OFFSET.
 */
export interface NoteSearchFilter {
  fts: string | null;
  /** v0.16: the note's frontmatter type, exact. */
  types?: string[] | null;
  /** v0.19+: the note's frontmatter type, any case. */
  note_types?: string[] | null;
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

/** A matching note with its rank (bm25: title ×10, text ×1, permalink ×2; 0 without text). */
export type RankedEntityRow = EntityRow & { rank: number };

function noteConditions(projectId: number, f: NoteSearchFilter): { where: string[]; params: (string | number)[] } {
  const where: string[] = ['e.project_id = ?'];
  const params: (string | number)[] = [projectId];
  if (f.types?.length) { where.push('e.entity_type IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(f.types)); }
  if (f.note_types?.length) { where.push('lower(e.entity_type) IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(f.note_types.map((t) => t.toLowerCase()))); }
  // stored times are ISO-8601 UTC with milliseconds, so text order is time order
  if (f.after) { where.push(`e.${f.after.field === 'created_at' ? 'created_at' : 'updated_at'} > ?`); params.push(f.after.iso); }
  // Tag and category filters run here, before LIMIT/OFFSET, so every page is full and has_more is honest.
  if (f.tags?.length) {
    const tags = JSON.stringify(f.tags.map((t) => t.replace(/^#/, '').toLowerCase()));
    where.push(`(EXISTS (SELECT 1 FROM json_each(e.entity_metadata, '$.tags') t WHERE lower(t.value) IN (SELECT value FROM json_each(?)))
      OR EXISTS (SELECT 1 FROM json_each(e.observations) o, json_each(o.value, '$.tags') ot WHERE lower(ot.value) IN (SELECT value FROM json_each(?))))`);
    params.push(tags, tags);
  }
  if (f.categories?.length) {
    where.push(`EXISTS (SELECT 1 FROM json_each(e.observations) o WHERE lower(coalesce(json_extract(o.value, '$.category'), 'note')) IN (SELECT value FROM json_each(?)))`);
    params.push(JSON.stringify(f.categories.map((c) => c.toLowerCase())));
  }
  // Frontmatter, status, title and permalink filters too: all before LIMIT/OFFSET.
  if (f.metadata_filters && Object.keys(f.metadata_filters).length) metadataConditions(f.metadata_filters, where, params);
  if (f.status) { where.push(`lower(CAST(json_extract(e.entity_metadata, '$.status') AS TEXT)) = ?`); params.push(f.status.toLowerCase()); }
  if (f.title_contains) { where.push('instr(lower(e.title), ?) > 0'); params.push(f.title_contains.toLowerCase()); }
  if (f.permalink_contains) { where.push(`instr(lower(coalesce(e.permalink, '')), ?) > 0`); params.push(f.permalink_contains.toLowerCase()); }
  return { where, params };
}

function noteSearchSql(projectId: number, f: NoteSearchFilter, page: { limit: number; offset?: number }): { sql: string; args: (string | number)[] } {
  const { where, params } = noteConditions(projectId, f);
  const paging = page.offset === undefined ? 'LIMIT ?' : 'LIMIT ? OFFSET ?';
  const pageArgs = page.offset === undefined ? [page.limit] : [page.limit, page.offset];
  if (!f.fts) return { sql: `SELECT e.*, 0 AS rank FROM entity e WHERE ${where.join(' AND ')} ORDER BY e.updated_at DESC, e.id ${paging}`, args: [...params, ...pageArgs] };
  const match = projectMatch(projectId, f.fts);
  if (where.length === 1) {
    // Text alone (the common case): FTS5 ranks and pages by itself, holding only (rowid, rank) while it sorts; the
    // page's rows alone are read from entity.
    return {
      sql: `SELECT e.*, s.rank FROM (SELECT rowid AS id, ${BM25} AS rank FROM search WHERE search MATCH ? ORDER BY rank, rowid ${paging}) s
        JOIN entity e ON e.id = s.id WHERE e.project_id = ? ORDER BY s.rank, e.id`,
      args: [match, ...pageArgs, projectId],
    };
  }
  const order = f.after ? `, e.${f.after.field === 'created_at' ? 'created_at' : 'updated_at'} DESC` : '';
  return {
    sql: `SELECT e.*, ${BM25} AS rank FROM search JOIN entity e ON e.id = search.rowid
       WHERE search MATCH ? AND ${where.join(' AND ')} ORDER BY rank${order}, e.id ${paging}`,
    args: [match, ...params, ...pageArgs],
  };
}

/** Notes matching the filter, best rank first (newest first among equal ranks when `after` is set). */
export function searchNotes(db: DatabaseSync, projectId: number, f: NoteSearchFilter, page: { limit: number; offset?: number }): RankedEntityRow[] {
  const { sql, args } = noteSearchSql(projectId, f, page);
  return db.prepare(sql).all(...args) as unknown as RankedEntityRow[];
}

/** How many notes match the filter (upstream's exact `total` of a full-text search): no ranking, no rows read out. */
export function countNotes(db: DatabaseSync, projectId: number, f: NoteSearchFilter): number {
  const { where, params } = noteConditions(projectId, f);
  const row = f.fts
    ? db.prepare(`SELECT count(*) AS n FROM search JOIN entity e ON e.id = search.rowid WHERE search MATCH ? AND ${where.join(' AND ')}`)
      .get(projectMatch(projectId, f.fts), ...params)
    : db.prepare(`SELECT count(*) AS n FROM entity e WHERE ${where.join(' AND ')}`).get(...params);
  return Number((row as { n: number }).n);
}

/** The best full-text match of the project for an FTS query. */
export function bestMatch(db: DatabaseSync, projectId: number, fts: string): EntityRow | undefined {
  return db.prepare(`SELECT e.* FROM search JOIN entity e ON e.id = search.rowid
    WHERE search MATCH ? AND e.project_id = ? ORDER BY ${BM25} LIMIT 1`).get(projectMatch(projectId, fts), projectId) as EntityRow | undefined;
}

/** A reader of notes' indexed text by entity id, whole or its first `maxChars` characters. */
export function searchTextReader(db: DatabaseSync, maxChars?: number): (entityId: number) => string | null {
  const stmt = maxChars === undefined
    ? db.prepare('SELECT content AS c FROM search WHERE rowid = ?')
    : db.prepare('SELECT substr(content, 1, ?) AS c FROM search WHERE rowid = ?');
  return (entityId) => ((maxChars === undefined ? stmt.get(entityId) : stmt.get(maxChars, entityId)) as { c: string | null } | undefined)?.c ?? null;
}

/** Drops every search row of the project's notes (caller is inside a transaction). */
export function deleteProjectSearch(db: DatabaseSync, projectId: number): void {
  db.prepare('DELETE FROM search WHERE rowid IN (SELECT id FROM entity WHERE project_id = ?)').run(projectId);
}

export interface SearchSourceRow { id: number; file_path: string; title: string; permalink: string | null; content_type: string }

/** A pager over the project's notes by id (what their search rows are made from), `size` rows after `afterId`. */
export function searchSourcePager(db: DatabaseSync, projectId: number, size: number): (afterId: number) => SearchSourceRow[] {
  const page = db.prepare('SELECT id, file_path, title, permalink, content_type FROM entity WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?');
  return (afterId) => page.all(projectId, afterId, size) as unknown as SearchSourceRow[];
}
