// The index side of note schemas (upstream v0.22.1 schema router): which notes have a type, what they hold
// (observations, outgoing relations with their target's type), which schema notes a query names. The schema logic
// itself is pure (note-schema.ts).
import path from 'node:path';
import type { EntityRow, IndexStore } from '../index/store.ts';
import { splitFrontmatter } from '../markdown/frontmatter.ts';
import { generatePermalink } from '../markdown/permalink.ts';
import { readFileConfined } from '../fs/confined-fs.ts';
import { entitiesOfType, typesWithOwnSchema } from '../repositories/entity-repository.ts';
import { relationTargetTypes } from '../repositories/relation-repository.ts';
import { resolveEntity } from './link-resolver.ts';
import { observationsOf } from './memory-context.ts';
import { diffSchema, inferSchema, resolveSchema, validateNote, type DriftReport, type InferenceReport, type NoteData,
  type NoteValidation } from './note-schema.ts';
import { confine } from '../fs/safe-path.ts';

interface ValidationCounts { note_type: string | null; total_notes: number; total_entities: number; valid_count: number; warning_count: number; error_count: number }
export interface ValidationReport extends ValidationCounts {
  results: NoteValidation[];
  /** HEAD: per-type rollup when every schema-covered type is validated (neither note_type nor identifier). */
  type_summaries: ValidationCounts[];
}

const metadataOf = (e: EntityRow): Record<string, unknown> => {
  try { return JSON.parse(e.entity_metadata) as Record<string, unknown>; } catch { return {}; }
};

export class NoteSchemas {
  private store: IndexStore;
  private projectId: number;
  private root: string;
  constructor(store: IndexStore, projectId: number, root: string) { this.store = store; this.projectId = projectId; this.root = root; }

  private ofType(type: string): EntityRow[] {
    return entitiesOfType(this.store.db, this.projectId, type);
  }

  private noteData(e: EntityRow): NoteData {
    const rels = relationTargetTypes(this.store.db, e.id);
    return {
      identifier: e.permalink ?? e.file_path,
      observations: observationsOf(e).map((o) => ({ category: o.category ?? 'note', content: o.content })),
      relations: rels.map((r) => ({ relation_type: r.relation_type, target_name: r.to_name, target_note_type: r.target_type })),
    };
  }

  /** The note's frontmatter as indexed, with its type. */
  private frontmatterOf(e: EntityRow): Record<string, unknown> {
    const fm = metadataOf(e);
    if (fm.type === undefined) fm.type = e.entity_type;
    return fm;
  }

  /** A schema note's frontmatter from its file (the latest settings even before a sync), else as indexed. */
  private schemaFrontmatter(e: EntityRow): Record<string, unknown> {
    try {
      const fm = splitFrontmatter(readFileConfined(confine(this.root, e.file_path).abs).toString('utf8')).data;
      if (fm.entity && typeof fm.schema === 'object' && fm.schema !== null && !Array.isArray(fm.schema)) return fm;
    } catch { /* unreadable: fall back to the index */ }
    return this.frontmatterOf(e);
  }

  /** Schema notes (`type: schema`) whose `entity` names `query`; with allowReference, else by title or permalink. */
  private lookup(query: string, allowReference: boolean): Record<string, unknown>[] {
    const schemas = this.ofType('schema');
    const target = generatePermalink(query);
    let hits = schemas.filter((e) => { const ent = metadataOf(e).entity; return typeof ent === 'string' && generatePermalink(ent) === target; });
    if (!hits.length && allowReference) {
      hits = schemas.filter((e) => [e.title, e.permalink, e.permalink ? path.posix.basename(e.permalink) : null]
        .some((ref) => ref && generatePermalink(ref) === target));
    }
    return hits.map((e) => this.schemaFrontmatter(e));
  }

  private validateOne(e: EntityRow, label: string) {
    const fm = this.frontmatterOf(e);
    const ref = fm.schema;
    const schema = resolveSchema(fm, (q) => this.lookup(q, typeof ref === 'string' && q === ref));
    return schema ? validateNote(label, schema, this.noteData(e), fm) : null;
  }

  /**
   * POST /schema/validate: one note (identifier, resolved like read_note), every note of a type (v0.22.1), or with
   * neither every type a schema covers, with a rollup per type (HEAD; v0.22.1 answered an empty report).
   */
  validate(q: { note_type?: string | null; identifier?: string | null }): ValidationReport {
    const counts = (noteType: string | null, results: NoteValidation[], entities: number, valid: number): ValidationCounts => ({
      note_type: noteType, total_notes: results.length, total_entities: entities, valid_count: valid,
      warning_count: results.reduce((n, r) => n + r.warnings.length, 0), error_count: results.reduce((n, r) => n + r.errors.length, 0) });
    const ofType = (type: string) => {
      const entities = this.ofType(type);
      const results = entities.map((e) => this.validateOne(e, e.title || e.permalink || e.file_path)).filter((r): r is NoteValidation => r !== null);
      return { counts: counts(type, results, entities.length, results.filter((r) => r.passed).length), results };
    };
    if (q.identifier) {
      const e = resolveEntity(this.store, this.projectId, q.identifier, { strict: false });
      if (!e) return { ...counts(q.note_type ?? null, [], 0, 0), results: [], type_summaries: [] };
      const r = this.validateOne(e, e.title || e.permalink || q.identifier);
      return { ...counts(q.note_type || e.entity_type, r ? [r] : [], 1, r?.passed ? 1 : 0), results: r ? [r] : [], type_summaries: [] };
    }
    if (q.note_type) { const one = ofType(q.note_type); return { ...one.counts, results: one.results, type_summaries: [] }; }
    const all = this.coveredTypes().map(ofType);
    const results = all.flatMap((x) => x.results);
    return { ...counts(null, results, all.reduce((n, x) => n + x.counts.total_entities, 0), results.filter((r) => r.passed).length),
      results, type_summaries: all.map((x) => x.counts) };
  }

  /** Types a schema covers: the `entity` of each schema note, and the type of each note with its own `schema:`. */
  private coveredTypes(): string[] {
    const types = new Set<string>();
    for (const e of this.ofType('schema')) { const ent = metadataOf(e).entity; if (typeof ent === 'string' && ent) types.add(ent); }
    for (const t of typesWithOwnSchema(this.store.db, this.projectId)) types.add(t);
    return [...types];
  }

  /** POST /schema/infer: a suggested schema from the notes of a type. */
  infer(noteType: string, threshold: number): InferenceReport {
    return inferSchema(noteType, this.ofType(noteType).map((e) => this.noteData(e)), threshold);
  }

  /** GET /schema/diff/{type}: the type's schema against its notes. */
  diff(noteType: string): DriftReport {
    const schema = resolveSchema({ type: noteType }, (q) => this.lookup(q, false));
    if (!schema) return { note_type: noteType, schema_found: false, new_fields: [], dropped_fields: [], cardinality_changes: [] };
    return diffSchema(noteType, schema, this.ofType(noteType).map((e) => this.noteData(e)));
  }
}
