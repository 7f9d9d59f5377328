// Reads of the index's relations (the links between notes) for the note services. Every query is scoped by
// project id or by a note of the project. Relations are written by the sync's IndexStore, with their note.
import type { DatabaseSync } from 'node:sqlite';

/** A relation with both ends' names (relation items of memory context and search). */
export interface RelRow { id: number; from_id: number; to_id: number | null; to_name: string; relation_type: string; from_title: string;
  from_path: string; from_permalink: string | null; from_created: string; from_updated: string; to_title: string | null; to_permalink: string | null;
  to_path: string | null }
export interface GraphEdgeRow { from_id: number; to_id: number; relation_type: string }
/** An outgoing relation with its target's permalink and path (null while unresolved). */
export interface OutgoingRelation { to_name: string; relation_type: string; context: string | null; to_permalink: string | null; to_path: string | null }

/** Relations from or to any of the notes `ids`, with both ends' names. */
export function relationsTouching(db: DatabaseSync, projectId: number, ids: number[]): RelRow[] {
  if (!ids.length) return [];
  const list = JSON.stringify(ids);
  return db.prepare(`SELECT r.id, r.from_id, r.to_id, r.to_name, r.relation_type,
      ef.title AS from_title, ef.file_path AS from_path, ef.permalink AS from_permalink, ef.created_at AS from_created, ef.updated_at AS from_updated,
      et.title AS to_title, et.permalink AS to_permalink, et.file_path AS to_path
    FROM relation r JOIN entity ef ON ef.id = r.from_id LEFT JOIN entity et ON et.id = r.to_id
    WHERE r.project_id = ? AND (r.from_id IN (SELECT value FROM json_each(?)) OR r.to_id IN (SELECT value FROM json_each(?)))
    ORDER BY r.id`).all(projectId, list, list) as unknown as RelRow[];
}

/** The note's outgoing relations in written order. */
export function relationsFrom(db: DatabaseSync, entityId: number): OutgoingRelation[] {
  return db.prepare(`SELECT r.to_name, r.relation_type, r.context, t.permalink AS to_permalink, t.file_path AS to_path
    FROM relation r LEFT JOIN entity t ON t.id = r.to_id WHERE r.from_id = ? ORDER BY r.id`).all(entityId) as unknown as OutgoingRelation[];
}

/** The note's outgoing relations with the type of the note each resolves to (null while unresolved). */
export function relationTargetTypes(db: DatabaseSync, entityId: number): { relation_type: string; to_name: string; target_type: string | null }[] {
  return db.prepare(`SELECT r.relation_type, r.to_name, t.entity_type AS target_type FROM relation r
    LEFT JOIN entity t ON t.id = r.to_id WHERE r.from_id = ? ORDER BY r.id`).all(entityId) as { relation_type: string; to_name: string; target_type: string | null }[];
}

/** Every resolved relation of the project as a graph edge, by id. */
export function graphEdges(db: DatabaseSync, projectId: number): GraphEdgeRow[] {
  return db.prepare('SELECT from_id, to_id, relation_type FROM relation WHERE project_id = ? AND to_id IS NOT NULL ORDER BY id')
    .all(projectId) as unknown as GraphEdgeRow[];
}
