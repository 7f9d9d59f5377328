// v2 GET /knowledge/graph and /knowledge/orphans (upstream v0.22.1): the project's notes as nodes and its resolved
// relations as edges; orphans are notes with no outgoing relation (resolved or not) and no incoming resolved one.
import type { IndexStore } from '../index/store.ts';
import { graphNodes, orphanNodes, type GraphNodeRow } from '../repositories/entity-repository.ts';
import { graphEdges, type GraphEdgeRow } from '../repositories/relation-repository.ts';

export function knowledgeGraph(store: IndexStore, projectId: number): { nodes: GraphNodeRow[]; edges: GraphEdgeRow[] } {
  return { nodes: graphNodes(store.db, projectId), edges: graphEdges(store.db, projectId) };
}

export function orphanEntities(store: IndexStore, projectId: number): GraphNodeRow[] {
  return orphanNodes(store.db, projectId);
}
