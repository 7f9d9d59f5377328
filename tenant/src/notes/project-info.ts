// statistics + activity of upstream ProjectInfoResponse (contract §3.2), from the index.
import type { EntitySummary, ProjectInfoStatistics } from '../engine-types.ts';
import type { IndexStore } from '../index/store.ts';

export function projectStatistics(store: IndexStore, projectId: number): Omit<ProjectInfoStatistics, 'index'> {
  const db = store.db;
  const one = (sql: string) => (db.prepare(sql).get(projectId) as { n: number }).n;
  const counts = (sql: string) => Object.fromEntries((db.prepare(sql).all(projectId) as { k: string; n: number }[]).map((r) => [r.k ?? 'note', r.n]));
  const total_entities = one('SELECT count(*) AS n FROM entity WHERE project_id = ?');
  const total_observations = one('SELECT coalesce(sum(observation_count), 0) AS n FROM entity WHERE project_id = ?');
  const total_relations = one('SELECT count(*) AS n FROM relation WHERE project_id = ?');
  const total_unresolved_relations = one('SELECT count(*) AS n FROM relation WHERE project_id = ? AND to_id IS NULL');
  const entity_types = counts('SELECT entity_type AS k, count(*) AS n FROM entity WHERE project_id = ? GROUP BY entity_type');
  const observation_categories = counts(`SELECT json_extract(j.value, '$.category') AS k, count(*) AS n
    FROM entity e, json_each(e.observations) j WHERE e.project_id = ? AND e.observation_count > 0 GROUP BY k`);
  const relation_types = counts('SELECT relation_type AS k, count(*) AS n FROM relation WHERE project_id = ? GROUP BY relation_type');
  const most_connected_entities = db.prepare(`SELECT e.id, e.title, e.permalink, e.file_path, count(r.id) AS relation_count
    FROM entity e JOIN relation r ON r.from_id = e.id WHERE e.project_id = ? GROUP BY e.id ORDER BY relation_count DESC, e.id LIMIT 10`)
    .all(projectId) as ProjectInfoStatistics['statistics']['most_connected_entities'];
  const isolated_entities = one(`SELECT count(*) AS n FROM entity e WHERE e.project_id = ?
    AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.from_id = e.id) AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.to_id = e.id)`);
  const summary = (order: string) => db.prepare(`SELECT id, title, permalink, file_path, entity_type, created_at, updated_at
    FROM entity WHERE project_id = ? ORDER BY ${order} DESC LIMIT 10`).all(projectId) as unknown as EntitySummary[];
  const since = new Date();
  since.setUTCDate(1);
  since.setUTCMonth(since.getUTCMonth() - 5);
  const sinceIso = since.toISOString().slice(0, 7);
  const monthly_growth: Record<string, { entities: number; observations: number; relations: number }> = {};
  for (let i = 0; i < 6; i++) {
    const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + i, 1));
    monthly_growth[d.toISOString().slice(0, 7)] = { entities: 0, observations: 0, relations: 0 };
  }
  const growth = db.prepare(`SELECT substr(e.created_at, 1, 7) AS m, count(*) AS n,
      sum(e.observation_count) AS obs,
      sum((SELECT count(*) FROM relation r WHERE r.from_id = e.id)) AS rels
    FROM entity e WHERE e.project_id = ? AND substr(e.created_at, 1, 7) >= ? GROUP BY m`).all(projectId, sinceIso) as { m: string; n: number; obs: number; rels: number }[];
  for (const g of growth) if (monthly_growth[g.m]) monthly_growth[g.m] = { entities: g.n, observations: g.obs, relations: g.rels };
  return {
    statistics: { total_entities, total_observations, total_relations, total_unresolved_relations, entity_types, observation_categories,
      relation_types, most_connected_entities, isolated_entities },
    activity: { recently_created: summary('created_at'), recently_updated: summary('updated_at'), monthly_growth },
  };
}
