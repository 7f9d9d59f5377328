// A project's rows as a whole: dropping them when the project goes or moves, and the statistics of its notes,
// relations and observations (upstream ProjectInfoResponse). Files are never touched here.
import type { DatabaseSync } from 'node:sqlite';
import type { EntitySummary, ProjectInfoStatistics } from '../engine-types.ts';
import { deleteProjectSearch } from './search-repository.ts';

/** Drops the project's notes and their search rows; the project row stays (caller is inside a transaction). */
export function deleteProjectEntities(db: DatabaseSync, projectId: number): void {
  deleteProjectSearch(db, projectId);
  db.prepare('DELETE FROM entity WHERE project_id = ?').run(projectId);
}

/** Drops the project row; its notes, relations and failures cascade, search rows are dropped first (caller is inside a transaction). */
export function deleteProject(db: DatabaseSync, projectId: number): void {
  deleteProjectSearch(db, projectId);
  db.prepare('DELETE FROM project WHERE id = ?').run(projectId);
}

export interface ProjectCounts {
  total_entities: number; total_observations: number; total_relations: number; total_unresolved_relations: number;
  entity_types: Record<string, number>; observation_categories: Record<string, number>; relation_types: Record<string, number>;
  most_connected_entities: ProjectInfoStatistics['statistics']['most_connected_entities']; isolated_entities: number;
}

export function projectCounts(db: DatabaseSync, projectId: number): ProjectCounts {
  const one = (sql: string) => (db.prepare(sql).get(projectId) as { n: number }).n;
  const counts = (sql: string) => Object.fromEntries((db.prepare(sql).all(projectId) as { k: string; n: number }[]).map((r) => [r.k ?? 'note', r.n]));
  return {
    total_entities: one('SELECT count(*) AS n FROM entity WHERE project_id = ?'),
    total_observations: one('SELECT coalesce(sum(observation_count), 0) AS n FROM entity WHERE project_id = ?'),
    total_relations: one('SELECT count(*) AS n FROM relation WHERE project_id = ?'),
    total_unresolved_relations: one('SELECT count(*) AS n FROM relation WHERE project_id = ? AND to_id IS NULL'),
    entity_types: counts('SELECT entity_type AS k, count(*) AS n FROM entity WHERE project_id = ? GROUP BY entity_type'),
    observation_categories: counts(`SELECT json_extract(j.value, '$.category') AS k, count(*) AS n
      FROM entity e, json_each(e.observations) j WHERE e.project_id = ? AND e.observation_count > 0 GROUP BY k`),
    relation_types: counts('SELECT relation_type AS k, count(*) AS n FROM relation WHERE project_id = ? GROUP BY relation_type'),
    most_connected_entities: db.prepare(`SELECT e.id, e.title, e.permalink, e.file_path, count(r.id) AS relation_count
      FROM entity e JOIN relation r ON r.from_id = e.id WHERE e.project_id = ? GROUP BY e.id ORDER BY relation_count DESC, e.id LIMIT 10`)
      .all(projectId) as ProjectInfoStatistics['statistics']['most_connected_entities'],
    isolated_entities: one(`SELECT count(*) AS n FROM entity e WHERE e.project_id = ?
      AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.from_id = e.id) AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.to_id = e.id)`),
  };
}

/** The ten notes most recently created (or updated). */
export function latestEntities(db: DatabaseSync, projectId: number, by: 'created_at' | 'updated_at'): EntitySummary[] {
  return db.prepare(`SELECT id, title, permalink, file_path, entity_type, created_at, updated_at
    FROM entity WHERE project_id = ? ORDER BY ${by === 'created_at' ? 'created_at' : 'updated_at'} DESC LIMIT 10`).all(projectId) as unknown as EntitySummary[];
}

/** Notes created per month since `sinceMonth` (YYYY-MM), with their observations and outgoing relations. */
export function monthlyGrowth(db: DatabaseSync, projectId: number, sinceMonth: string): { m: string; n: number; obs: number; rels: number }[] {
  return db.prepare(`SELECT substr(e.created_at, 1, 7) AS m, count(*) AS n,
      sum(e.observation_count) AS obs,
      sum((SELECT count(*) FROM relation r WHERE r.from_id = e.id)) AS rels
    FROM entity e WHERE e.project_id = ? AND substr(e.created_at, 1, 7) >= ? GROUP BY m`).all(projectId, sinceMonth) as { m: string; n: number; obs: number; rels: number }[];
}
