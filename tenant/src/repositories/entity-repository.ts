// Reads of the index's notes (`entity` rows) for the note services, the engine and the HTTP routes. Every query is
// scoped by project id. The sync's own write path (insert, update, stats, failures) stays in the IndexStore.
import type { DatabaseSync } from 'node:sqlite';
import type { EntityRow } from '../index/store.ts';

/** The columns a folder listing shows of a note. */
export interface EntityListingRow {
  id: number; file_path: string; title: string; permalink: string | null; entity_type: string; content_type: string; updated_at: string;
}
export interface GraphNodeRow { id: number; permalink: string | null; file_path: string; title: string; entity_type: string }
export type EntityLookupColumn = 'permalink' | 'title' | 'file_path';

const LISTING = 'id, file_path, title, permalink, entity_type, content_type, updated_at';

/** The note whose `column` is exactly `value` (by title: the oldest note when several share it). */
export function entityWhere(db: DatabaseSync, projectId: number, column: EntityLookupColumn, value: string): EntityRow | undefined {
  const sql = column === 'title'
    ? 'SELECT * FROM entity WHERE project_id = ? AND title = ? ORDER BY id LIMIT 1'
    : `SELECT * FROM entity WHERE project_id = ? AND ${column === 'permalink' ? 'permalink' : 'file_path'} = ?`;
  return db.prepare(sql).get(projectId, value) as EntityRow | undefined;
}

/** Every note of the project, by path. */
export function entitiesOfProject(db: DatabaseSync, projectId: number): EntityRow[] {
  return db.prepare('SELECT * FROM entity WHERE project_id = ? ORDER BY file_path').all(projectId) as unknown as EntityRow[];
}

/** Notes whose path starts with `prefix` (a folder with its trailing slash), by path. */
export function entitiesWithPathPrefix(db: DatabaseSync, projectId: number, prefix: string): EntityRow[] {
  return db.prepare('SELECT * FROM entity WHERE project_id = ? AND substr(file_path, 1, ?) = ? ORDER BY file_path')
    .all(projectId, prefix.length, prefix) as unknown as EntityRow[];
}

export function entitiesOfType(db: DatabaseSync, projectId: number, type: string): EntityRow[] {
  return db.prepare('SELECT * FROM entity WHERE project_id = ? AND entity_type = ? ORDER BY id').all(projectId, type) as unknown as EntityRow[];
}

export function entitiesByIds(db: DatabaseSync, projectId: number, ids: number[]): EntityRow[] {
  return db.prepare('SELECT * FROM entity WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))')
    .all(projectId, JSON.stringify(ids)) as unknown as EntityRow[];
}

/** Notes whose permalink matches a SQLite GLOB, newest first, one page. */
export function entitiesByPermalinkGlob(db: DatabaseSync, projectId: number, glob: string, limit: number, offset: number): EntityRow[] {
  return db.prepare('SELECT * FROM entity WHERE project_id = ? AND permalink GLOB ? ORDER BY updated_at DESC, id LIMIT ? OFFSET ?')
    .all(projectId, glob, limit, offset) as unknown as EntityRow[];
}

/** Notes changed at or after `sinceIso`, newest first, read lazily (the caller stops when its page is full). */
export function entitiesUpdatedSince(db: DatabaseSync, projectId: number, sinceIso: string): IterableIterator<EntityRow> {
  return db.prepare('SELECT * FROM entity WHERE project_id = ? AND updated_at >= ? ORDER BY updated_at DESC, id DESC')
    .iterate(projectId, sinceIso) as IterableIterator<EntityRow>;
}

/** id, permalink and path of every note (what a derived external id is computed from). */
export function entityKeys(db: DatabaseSync, projectId: number): { id: number; permalink: string | null; file_path: string }[] {
  return db.prepare('SELECT id, permalink, file_path FROM entity WHERE project_id = ?').all(projectId) as { id: number; permalink: string | null; file_path: string }[];
}

/** Listing columns of the notes under `dirRel` ('' = the whole project), by path. */
export function entityListing(db: DatabaseSync, projectId: number, dirRel: string): EntityListingRow[] {
  return (dirRel
    ? db.prepare(`SELECT ${LISTING} FROM entity WHERE project_id = ? AND file_path >= ? AND file_path < ? ORDER BY file_path`)
      .all(projectId, `${dirRel}/`, `${dirRel}0`)
    : db.prepare(`SELECT ${LISTING} FROM entity WHERE project_id = ? ORDER BY file_path`).all(projectId)) as unknown as EntityListingRow[];
}

/** Listing columns of every note by path, read lazily; `pathsOnly` reads the paths alone. */
export function iterateEntityListing(db: DatabaseSync, projectId: number, opts: { pathsOnly: boolean }): IterableIterator<Partial<EntityListingRow> & { file_path: string }> {
  const sql = opts.pathsOnly
    ? 'SELECT file_path FROM entity WHERE project_id = ? ORDER BY file_path'
    : `SELECT ${LISTING} FROM entity WHERE project_id = ? ORDER BY file_path`;
  return db.prepare(sql).iterate(projectId) as IterableIterator<Partial<EntityListingRow> & { file_path: string }>;
}

/** Every indexed file with its checksum and size, by path. */
export function indexedFileStates(db: DatabaseSync, projectId: number): { path: string; checksum: string | null; size: number | null }[] {
  return db.prepare('SELECT file_path AS path, checksum, size FROM entity WHERE project_id = ? ORDER BY file_path').all(projectId) as
    { path: string; checksum: string | null; size: number | null }[];
}

/** Every indexed file with its checksum and id, by path. */
export function indexedFileChecksums(db: DatabaseSync, projectId: number): { file_path: string; checksum: string | null; id: number }[] {
  return db.prepare('SELECT file_path, checksum, id FROM entity WHERE project_id = ? ORDER BY file_path').all(projectId) as
    { file_path: string; checksum: string | null; id: number }[];
}

/** Bytes of every project's indexed files together. */
export function indexedBytes(db: DatabaseSync): number {
  return Number((db.prepare('SELECT COALESCE(SUM(size), 0) AS n FROM entity').get() as { n: number }).n);
}

/** Note types (other than schema notes) of which some note carries its own `schema:` in its frontmatter. */
export function typesWithOwnSchema(db: DatabaseSync, projectId: number): string[] {
  return (db.prepare(`SELECT DISTINCT entity_type FROM entity WHERE project_id = ? AND entity_type != 'schema'
      AND json_type(entity_metadata, '$.schema') IS NOT NULL`).all(projectId) as { entity_type: string }[]).map((r) => r.entity_type);
}

/** Every note as a graph node, by id. */
export function graphNodes(db: DatabaseSync, projectId: number): GraphNodeRow[] {
  return db.prepare('SELECT id, permalink, file_path, title, entity_type FROM entity WHERE project_id = ? ORDER BY id')
    .all(projectId) as unknown as GraphNodeRow[];
}

/** Notes with no outgoing relation (resolved or not) and no incoming resolved one, by path. */
export function orphanNodes(db: DatabaseSync, projectId: number): GraphNodeRow[] {
  return db.prepare(`SELECT id, permalink, file_path, title, entity_type FROM entity e WHERE e.project_id = ?
      AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.from_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.to_id = e.id)
    ORDER BY e.file_path`).all(projectId) as unknown as GraphNodeRow[];
}

