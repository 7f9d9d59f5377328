// GET /memory/recent and GET /memory/{uri} (upstream build_context): primary items, then what is connected to
// them through relations in both directions, breadth first. One hop = a relation then the note at its other
// end, so depth N walks 2N steps (upstream's rule). Related items are ordered by (depth, type, id) and capped at
// max_related overall; a level is only walked while the cap is not reached.
import type { EntityRow, IndexStore } from '../index/store.ts';
import { generatePermalink } from '../markdown/permalink.ts';
import { entitiesByIds, entitiesByPermalinkGlob, entitiesUpdatedSince } from '../repositories/entity-repository.ts';
import { relationsTouching, type RelRow } from '../repositories/relation-repository.ts';
import { searchTextReader } from '../repositories/search-repository.ts';
import { entityExternalId } from './entity-external-id.ts';
import { permalinkGlob, resolveEntity, cleanIdentifier } from './link-resolver.ts';

export type ItemType = 'entity' | 'observation' | 'relation';

// v0.18+ clients (v2 GraphContext) require `external_id` on every entity summary and read the optional
// `entity_external_id` / `from_entity_external_id` / `to_entity_external_id`; v1 clients ignore them.
interface EntitySummary { type: 'entity'; external_id: string; permalink: string | null; title: string; content: string | null; file_path: string; created_at: string }
export interface ObservationSummary {
  type: 'observation'; entity_external_id: string; title: string; file_path: string; permalink: string; category: string; content: string; created_at: string;
}
export interface RelationSummary {
  type: 'relation'; title: string; file_path: string; permalink: string; relation_type: string;
  from_entity: string | null; from_entity_external_id: string; to_entity: string | null; to_entity_external_id: string | null; created_at: string;
}
type Summary = EntitySummary | ObservationSummary | RelationSummary;

export interface GraphContext {
  results: { primary_result: Summary; observations: ObservationSummary[]; related_results: Summary[] }[];
  metadata: { uri: string | null; types: ItemType[] | null; depth: number; timeframe: string | null; generated_at: string;
    primary_count: number; related_count: number; total_results: number; total_relations: number; total_observations: number };
  page: number; page_size: number;
  /** Extension: another page of primary results exists. */
  has_more: boolean;
}

export interface ContextQuery { depth: number; since: Date | null; page: number; page_size: number; max_related: number }

export interface Obs { category: string | null; content: string; tags: string[]; context: string | null }

const SNIPPET = 250;

export function observationsOf(e: EntityRow): Obs[] {
  try { return JSON.parse(e.observations) as Obs[]; } catch { return []; }
}

export function observationSummary(e: EntityRow, o: Obs, projectExternalId: string): ObservationSummary {
  const category = o.category ?? 'note';
  return { type: 'observation', entity_external_id: entityExternalId(projectExternalId, e), title: `${category}: ${o.content.slice(0, 50)}...`, file_path: e.file_path,
    permalink: generatePermalink(`${e.permalink ?? e.file_path}/observations/${category}/${o.content}`, { keepExtension: true }),
    category, content: o.content, created_at: e.created_at };
}

export function relationSummary(r: RelRow, projectExternalId: string): RelationSummary {
  const from = r.from_permalink ?? r.from_path;
  const to = r.to_id === null ? null : entityExternalId(projectExternalId, { permalink: r.to_permalink, file_path: r.to_path ?? '' });
  return { type: 'relation', title: `${r.relation_type}: ${r.to_name}`, file_path: r.from_path,
    permalink: `${from}/${r.relation_type}/${r.to_permalink ?? r.to_name}`, relation_type: r.relation_type,
    from_entity: r.from_title, from_entity_external_id: entityExternalId(projectExternalId, { permalink: r.from_permalink, file_path: r.from_path }),
    to_entity: r.to_title, to_entity_external_id: to, created_at: r.from_created };
}

export class MemoryContext {
  private store: IndexStore;
  private projectId: number;
  private projectExternalId: string;
  private projectPermalink: string | null;
  constructor(store: IndexStore, projectId: number, projectExternalId: string, projectPermalink: string | null = null) {
    this.store = store; this.projectId = projectId; this.projectExternalId = projectExternalId; this.projectPermalink = projectPermalink || null;
  }

  private entitySummary(e: EntityRow, withContent: boolean): EntitySummary {
    let content: string | null = null;
    if (withContent) {
      content = searchTextReader(this.store.db, SNIPPET)(e.id);
    }
    return { type: 'entity', external_id: entityExternalId(this.projectExternalId, e), permalink: e.permalink, title: e.title, content, file_path: e.file_path, created_at: e.created_at };
  }

  private relationsTouching(ids: number[]): RelRow[] { return relationsTouching(this.store.db, this.projectId, ids); }

  private entitiesById(ids: number[]): Map<number, EntityRow> {
    const m = new Map<number, EntityRow>();
    if (!ids.length) return m;
    for (const e of entitiesByIds(this.store.db, this.projectId, ids)) m.set(e.id, e);
    return m;
  }

  /** Related items of the primary entities: (root entity id, depth, summary), capped at maxRelated. */
  private related(roots: number[], q: ContextQuery): { root: number; depth: number; item: Summary; entity?: EntityRow }[] {
    const sinceIso = q.since?.toISOString() ?? null;
    const seenEntities = new Set(roots);
    const seenRelations = new Set<number>();
    const rootOf = new Map<number, number>(roots.map((r) => [r, r]));
    const out: { root: number; depth: number; item: Summary; entity?: EntityRow }[] = [];
    let frontier = roots;
    for (let step = 1; step <= q.depth * 2 && frontier.length && out.length < q.max_related; step += 2) {
      // relations of the frontier (depth = step)
      const frontierSet = new Set(frontier);
      const rels = this.relationsTouching(frontier).filter((r) => !seenRelations.has(r.id) && (!sinceIso || r.from_updated >= sinceIso));
      const level: typeof out = [];
      const nextIds: { id: number; root: number }[] = [];
      for (const r of rels) {
        seenRelations.add(r.id);
        const fromFrontier = frontierSet.has(r.from_id);
        const root = rootOf.get(fromFrontier ? r.from_id : r.to_id!) ?? rootOf.get(r.from_id)!;
        level.push({ root, depth: step, item: relationSummary(r, this.projectExternalId) });
        const other = fromFrontier ? r.to_id : r.from_id;
        if (other !== null && !seenEntities.has(other)) { seenEntities.add(other); nextIds.push({ id: other, root }); }
      }
      level.sort((a, b) => a.item.type.localeCompare(b.item.type));
      out.push(...level);
      if (out.length >= q.max_related || step + 1 > q.depth * 2) break;
      // the notes at their other ends (depth = step + 1)
      const rows = this.entitiesById(nextIds.map((n) => n.id));
      const entities: typeof out = [];
      frontier = [];
      for (const n of nextIds.sort((a, b) => a.id - b.id)) {
        const e = rows.get(n.id);
        if (!e || (sinceIso && e.updated_at < sinceIso)) continue;
        rootOf.set(e.id, n.root);
        frontier.push(e.id);
        entities.push({ root: n.root, depth: step + 1, item: this.entitySummary(e, false), entity: e });
      }
      out.push(...entities);
    }
    return out.slice(0, q.max_related);
  }

  private assemble(primary: { item: Summary; entity?: EntityRow }[], q: ContextQuery, hasMore: boolean, meta: { uri: string | null; types: ItemType[] | null }): GraphContext {
    const roots = primary.filter((p) => p.entity).map((p) => p.entity!.id);
    const related = this.related(roots, q);
    const relatedEntities = related.filter((r) => r.entity).map((r) => r.entity!);
    const results = primary.map((p) => ({
      primary_result: p.item,
      observations: p.entity ? observationsOf(p.entity).map((o) => observationSummary(p.entity!, o, this.projectExternalId)) : [],
      related_results: p.entity ? related.filter((r) => r.root === p.entity!.id).map((r) => r.item) : [],
    }));
    const totalObservations = [...primary.map((p) => p.entity).filter((e): e is EntityRow => !!e), ...relatedEntities]
      .reduce((n, e) => n + e.observation_count, 0);
    return {
      results,
      metadata: { uri: meta.uri, types: meta.types, depth: q.depth, timeframe: q.since?.toISOString() ?? null, generated_at: new Date().toISOString(),
        primary_count: primary.length, related_count: related.length, total_results: primary.length + related.length,
        total_relations: related.filter((r) => r.item.type === 'relation').length, total_observations: totalObservations },
      page: q.page, page_size: q.page_size, has_more: hasMore,
    };
  }

  /** GET /memory/{uri}: a permalink (or title / path), or a glob over permalinks (`docs/*`). */
  build(uri: string, q: ContextQuery): GraphContext {
    let path = cleanIdentifier(uri);
    const offset = (q.page - 1) * q.page_size;
    let rows: EntityRow[];
    let normalized: string;
    // v0.22+ clients qualify memory URLs with the project (`permalinks_include_project`, on by default):
    // `main/notes/x` in project main is `notes/x` here, where permalinks carry no project prefix. A note whose own
    // permalink starts with that segment still wins; another project's prefix finds nothing in this one.
    const prefix = this.projectPermalink ? `${this.projectPermalink}/` : null;
    const unqualified = prefix && path.startsWith(prefix) ? path.slice(prefix.length) : null;
    if (path.includes('*')) {
      if (unqualified) path = unqualified;
      normalized = permalinkGlob(path);
      rows = entitiesByPermalinkGlob(this.store.db, this.projectId, normalized, q.page_size + 1, offset);
    } else {
      let e = resolveEntity(this.store, this.projectId, path, { strict: true });
      if (!e && unqualified) {
        e = resolveEntity(this.store, this.projectId, unqualified, { strict: true });
        if (e) path = unqualified;
      }
      normalized = generatePermalink(path, { keepExtension: true });
      rows = e && offset === 0 ? [e] : [];
    }
    const hasMore = rows.length > q.page_size;
    const primary = rows.slice(0, q.page_size).map((e) => ({ item: this.entitySummary(e, true) as Summary, entity: e }));
    return this.assemble(primary, q, hasMore, { uri: normalized, types: null });
  }

  /** GET /memory/recent: the project's items changed within the timeframe, newest first. */
  recent(types: ItemType[], q: ContextQuery): GraphContext {
    const want = new Set(types);
    const offset = (q.page - 1) * q.page_size;
    const sinceIso = q.since?.toISOString() ?? '';
    const primary: { item: Summary; entity?: EntityRow }[] = [];
    let skipped = 0;
    let hasMore = false;
    // Walk notes newest first, expanding each into its items, until one past the page is found.
    outer: for (const e of entitiesUpdatedSince(this.store.db, this.projectId, sinceIso)) {
      const items: { item: Summary; entity?: EntityRow }[] = [];
      if (want.has('entity')) items.push({ item: this.entitySummary(e, true), entity: e });
      if (want.has('observation')) for (const o of observationsOf(e)) items.push({ item: observationSummary(e, o, this.projectExternalId) });
      if (want.has('relation')) {
        for (const r of this.relationsTouching([e.id]).filter((x) => x.from_id === e.id)) items.push({ item: relationSummary(r, this.projectExternalId) });
      }
      for (const it of items) {
        if (skipped < offset) { skipped++; continue; }
        if (primary.length === q.page_size) { hasMore = true; break outer; }
        primary.push(it);
      }
    }
    return this.assemble(primary, q, hasMore, { uri: null, types });
  }
}
