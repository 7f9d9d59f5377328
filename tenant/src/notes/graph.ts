// v2 GET /knowledge/graph and /knowledge/orphans (upstream v0.22.1): the project's notes as nodes and its resolved
// relations as edges; orphans are notes with no outgoing relation (resolved or not) and no incoming resolved one.
import type { IndexStore } from '../index/store.ts';

export interface GraphNodeRow { id: number; permalink: string | null; file_path: string; title: string; entity_type: string }
export interface GraphEdgeRow { from_id: number; to_id: number; relation_type: string }

export function knowledgeGraph(store: IndexStore, projectId: number): { nodes: GraphNodeRow[]; edges: GraphEdgeRow[] } {
  const nodes = store.db.prepare('SELECT id, permalink, file_path, title, entity_type FROM entity WHERE project_id = ? ORDER BY id')
    .all(projectId) as unknown as GraphNodeRow[];
  const edges = store.db.prepare('SELECT from_id, to_id, relation_type FROM relation WHERE project_id = ? AND to_id IS NOT NULL ORDER BY id')
    .all(projectId) as unknown as GraphEdgeRow[];
  return { nodes, edges };
}

export function orphanEntities(store: IndexStore, projectId: number): GraphNodeRow[] {
  return store.db.prepare(`SELECT id, permalink, file_path, title, entity_type FROM entity e WHERE e.project_id = ?
      AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.from_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM relation r WHERE r.to_id = e.id)
    ORDER BY e.file_path`).all(projectId) as unknown as GraphNodeRow[];
}
