// Index rows → upstream EntityResponse (v0.16 shape: entity references serialized as permalinks).
import type { EntityResponse } from '../engine-types.ts';
import type { EntityRow, IndexStore } from '../index/store.ts';
import { relationsFrom } from '../repositories/relation-repository.ts';

export function entityResponse(store: IndexStore, e: EntityRow): EntityResponse {
  const ref = e.permalink ?? e.file_path;
  let obs: { category: string | null; content: string; tags: string[]; context: string | null }[] = [];
  try { obs = JSON.parse(e.observations); } catch { /* stored by us: always JSON */ }
  const rels = relationsFrom(store.db, e.id);
  let metadata: Record<string, unknown> = {};
  try { metadata = JSON.parse(e.entity_metadata); } catch { /* stored by us: always JSON */ }
  return {
    id: e.id, permalink: e.permalink, title: e.title, file_path: e.file_path, entity_type: e.entity_type, entity_metadata: metadata,
    checksum: e.checksum, content_type: e.content_type,
    observations: obs.map((o) => ({ category: o.category, content: o.content, tags: o.tags, context: o.context,
      permalink: `${ref}/observations/${o.category ?? 'note'}/${o.content}` })),
    relations: rels.map((r) => {
      const to = r.to_permalink ?? r.to_path;
      return { from_id: ref, to_id: to, to_name: r.to_name, relation_type: r.relation_type, context: r.context,
        permalink: `${ref}/${r.relation_type}/${to ?? r.to_name}` };
    }),
    created_at: e.created_at, updated_at: e.updated_at,
  };
}
