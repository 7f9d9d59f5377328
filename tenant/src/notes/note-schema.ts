// Note schemas (upstream v0.22.1 `basic_memory/schema`): a schema is a note with `type: schema`, `entity: <Type>` and a
// Picoschema dict under `schema:`; fields map onto what notes already hold: `field: string` → `[field]` observations,
// `field: EntityType` (capitalised) → `field [[Target]]` relations, `field?(enum): [a, b]` → observations whose value is
// in the set. Four pure parts, as upstream: parse, resolve (inline dict → explicit reference → implicit by type),
// validate one note, infer a schema from notes of a type, and diff a schema against the notes.

import { BadRequestError } from '../engine-types.ts';

interface SchemaField {
  name: string;
  type: string;
  required: boolean;
  is_array: boolean;
  is_enum: boolean;
  enum_values: string[];
  description: string | null;
  is_entity_ref: boolean;
  children: SchemaField[];
}

export interface SchemaDefinition { entity: string; version: number; fields: SchemaField[]; validation_mode: string; frontmatter_fields: SchemaField[] }

export interface NoteData {
  identifier: string;
  observations: { category: string; content: string }[];
  relations: { relation_type: string; target_name: string; target_note_type: string | null }[];
}

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'any']);
const MODIFIERS = new Set(['array', 'enum', 'object']);
const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Python's str() of YAML scalars, so values read like upstream's ("True", "3")
const pyStr = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : v === null || v === undefined ? 'None' : String(v));

/** `name`, `name?`, `name(array)`, `name?(enum, description)`: the modifier is the parenthesis that closes the key. */
function parseKey(key: string): { name: string; required: boolean; modifier: string | null; description: string | null } {
  let k = key;
  let modifier: string | null = null;
  let description: string | null = null;
  const stripped = key.trimEnd();
  if (stripped.endsWith(')')) {
    let depth = 0;
    let open = -1;
    for (let i = stripped.length - 1; i >= 0; i--) {
      if (stripped[i] === ')') depth++;
      else if (stripped[i] === '(' && --depth === 0) { open = i; break; }
    }
    if (open >= 0) {
      const text = stripped.slice(open + 1, -1).trim();
      const comma = text.indexOf(',');
      const mod = (comma < 0 ? text : text.slice(0, comma)).trim();
      if (MODIFIERS.has(mod)) {
        modifier = mod;
        description = comma < 0 ? null : text.slice(comma + 1).trim() || null;
        k = stripped.slice(0, open).trimEnd();
      }
    }
  }
  const required = !k.endsWith('?');
  if (!required) k = k.slice(0, -1);
  return { name: k.trim(), required, modifier, description };
}

function field(name: string, type: string, required: boolean, extra: Partial<SchemaField> = {}): SchemaField {
  return { name, type, required, is_array: false, is_enum: false, enum_values: [], description: null, is_entity_ref: false, children: [], ...extra };
}

function parsePicoschema(dict: Record<string, unknown>): SchemaField[] {
  const out: SchemaField[] = [];
  for (const [key, value] of Object.entries(dict)) {
    const { name, required, modifier, description: keyDesc } = parseKey(key);
    if (modifier === 'enum') {
      let values: string[];
      let desc = keyDesc;
      if (Array.isArray(value)) values = value.map(pyStr);
      else {
        const m = /^\[([^\]]+)\](?:\s*,\s*(.+))?/.exec(pyStr(value));
        values = m ? m[1]!.split(',').map((s) => s.trim()) : [pyStr(value).trim()];
        desc = desc ?? (m?.[2]?.trim() || null);
      }
      out.push(field(name, 'enum', required, { is_enum: true, enum_values: values, description: desc }));
      continue;
    }
    if (modifier === 'object' || isDict(value)) {
      out.push(field(name, 'object', required, { description: keyDesc, children: isDict(value) ? parsePicoschema(value) : [] }));
      continue;
    }
    const text = pyStr(value);
    const comma = text.indexOf(',');
    const type = (comma < 0 ? text : text.slice(0, comma)).trim();
    const valueDesc = comma < 0 ? null : text.slice(comma + 1).trim();
    const isRef = !SCALAR_TYPES.has(type) && type.length > 0 && type[0] !== type[0]!.toLowerCase() && type[0] === type[0]!.toUpperCase();
    out.push(field(name, type, required, { is_array: modifier === 'array', description: keyDesc ?? valueDesc, is_entity_ref: isRef }));
  }
  return out;
}

/** A schema note without `entity` or a `schema` dict (upstream's ValueError): 400 with this message. */
class SchemaNoteError extends BadRequestError { override name = 'SchemaNoteError'; }

const validationMode = (fm: Record<string, unknown>) => (isDict(fm.settings) && typeof fm.settings.validation === 'string' ? fm.settings.validation : 'warn');

function parseSchemaNote(fm: Record<string, unknown>): SchemaDefinition {
  if (!fm.entity) throw new SchemaNoteError("Schema note missing required 'entity' field in frontmatter");
  if (!isDict(fm.schema) || !Object.keys(fm.schema).length) throw new SchemaNoteError("Schema note missing required 'schema' dict in frontmatter");
  const fmRules = isDict(fm.settings) && isDict(fm.settings.frontmatter) ? parsePicoschema(fm.settings.frontmatter) : [];
  return { entity: pyStr(fm.entity), version: typeof fm.version === 'number' ? fm.version : 1, fields: parsePicoschema(fm.schema),
    validation_mode: validationMode(fm), frontmatter_fields: fmRules };
}

/** Frontmatter dicts of the schema notes a query names (the caller looks them up), best first. */
export type SchemaLookup = (query: string) => Record<string, unknown>[];

/** inline `schema:` dict → `schema: <reference>` → implicit by `type:` → none. */
export function resolveSchema(fm: Record<string, unknown>, lookup: SchemaLookup): SchemaDefinition | null {
  if (isDict(fm.schema)) {
    return { entity: typeof fm.type === 'string' ? fm.type : 'unknown', version: 1, fields: parsePicoschema(fm.schema), validation_mode: validationMode(fm), frontmatter_fields: [] };
  }
  if (typeof fm.schema === 'string') {
    const hit = lookup(fm.schema)[0];
    if (hit) return parseSchemaNote(hit);
  }
  if (fm.type) {
    const hit = lookup(pyStr(fm.type))[0];
    if (hit) return parseSchemaNote(hit);
  }
  return null;
}

// ---- validation ----

interface FieldResult { field_name: string; field_type: string; required: boolean; status: 'present' | 'missing' | 'enum_mismatch'; values: string[]; message: string | null }
export interface NoteValidation {
  note_identifier: string; schema_entity: string; passed: boolean; field_results: FieldResult[];
  unmatched_observations: Record<string, number>; unmatched_relations: string[]; warnings: string[]; errors: string[];
}

const missingMessage = (f: SchemaField) => f.is_entity_ref
  ? `Missing ${f.required ? 'required' : 'optional'} field: ${f.name} (no '${f.name} [[...]]' relation found)`
  : `Missing ${f.required ? 'required' : 'optional'} field: ${f.name} (expected [${f.name}] observation)`;

function group<T>(items: T[], key: (t: T) => string, value: (t: T) => string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const it of items) { const k = key(it); const list = m.get(k) ?? []; list.push(value(it)); m.set(k, list); }
  return m;
}

export function validateNote(identifier: string, schema: SchemaDefinition, note: NoteData, fm: Record<string, unknown> | null): NoteValidation {
  const r: NoteValidation = { note_identifier: identifier, schema_entity: schema.entity, passed: true, field_results: [],
    unmatched_observations: {}, unmatched_relations: [], warnings: [], errors: [] };
  const strict = schema.validation_mode === 'strict';
  const report = (msg: string) => { if (strict) { r.errors.push(msg); r.passed = false; } else r.warnings.push(msg); };
  const obs = group(note.observations, (o) => o.category, (o) => o.content);
  const rels = group(note.relations, (x) => x.relation_type, (x) => x.target_name);
  const usedCategories = new Set<string>();
  const usedRelations = new Set<string>();
  const result = (f: SchemaField, status: FieldResult['status'], values: string[], message: string | null): FieldResult =>
    ({ field_name: f.name, field_type: f.type, required: f.required, status, values, message });
  for (const f of schema.fields) {
    let fr: FieldResult;
    if (f.is_entity_ref) {
      usedRelations.add(f.name);
      const targets = rels.get(f.name) ?? [];
      fr = targets.length ? result(f, 'present', targets, null) : result(f, 'missing', [], `Missing relation: ${f.name} (no '${f.name} [[...]]' relation found)`);
    } else {
      usedCategories.add(f.name);
      const values = obs.get(f.name) ?? [];
      const invalid = f.is_enum ? values.filter((v) => !f.enum_values.includes(v)) : [];
      fr = !values.length ? result(f, 'missing', [], missingMessage(f))
        : invalid.length ? result(f, 'enum_mismatch', values, `Field '${f.name}' has invalid value(s): ${invalid.join(', ')} (allowed: ${f.enum_values.join(', ')})`)
        : result(f, 'present', values, null);
    }
    r.field_results.push(fr);
    if (fr.status === 'missing' && f.required) report(missingMessage(f));
    else if (fr.status === 'enum_mismatch') report(fr.message!);
  }
  if (fm && schema.frontmatter_fields.length) {
    for (const f of schema.frontmatter_fields) {
      const v = fm[f.name];
      let fr: FieldResult;
      if (v === null || v === undefined) fr = result(f, 'missing', [], `Missing frontmatter key: ${f.name}`);
      else if (f.is_enum) {
        const s = pyStr(v);
        fr = f.enum_values.includes(s) ? result(f, 'present', [s], null)
          : result(f, 'enum_mismatch', [s], `Frontmatter key '${f.name}' has invalid value: ${s} (allowed: ${f.enum_values.join(', ')})`);
      } else fr = result(f, 'present', Array.isArray(v) ? v.map(pyStr) : [pyStr(v)], null);
      r.field_results.push(fr);
      if (fr.status === 'missing' && f.required) report(`Missing required frontmatter key: ${f.name}`);
      else if (fr.status === 'enum_mismatch') report(fr.message!);
    }
  }
  for (const [category, values] of obs) if (!usedCategories.has(category)) r.unmatched_observations[category] = values.length;
  for (const type of rels.keys()) if (!usedRelations.has(type)) r.unmatched_relations.push(type);
  return r;
}

// ---- inference and drift ----

interface FieldFrequency {
  name: string; source: 'observation' | 'relation'; count: number; total: number; percentage: number;
  sample_values: string[]; is_array: boolean; target_type: string | null;
}

/** Per field: in how many notes it appears (once per note), samples, whether it is usually repeated (array). */
function frequencies(notes: NoteData[], source: 'observation' | 'relation', maxSamples: number): FieldFrequency[] {
  const count = new Map<string, number>();
  const multi = new Map<string, number>();
  const samples = new Map<string, string[]>();
  const targets = new Map<string, Map<string, number>>();
  for (const n of notes) {
    const perNote = new Map<string, { values: string[]; targetTypes: (string | null)[] }>();
    if (source === 'observation') for (const o of n.observations) {
      const g = perNote.get(o.category) ?? { values: [], targetTypes: [] };
      g.values.push(o.content);
      perNote.set(o.category, g);
    } else for (const x of n.relations) {
      const g = perNote.get(x.relation_type) ?? { values: [], targetTypes: [] };
      g.values.push(x.target_name);
      g.targetTypes.push(x.target_note_type);
      perNote.set(x.relation_type, g);
    }
    for (const [name, g] of perNote) {
      count.set(name, (count.get(name) ?? 0) + 1);
      if (g.values.length > 1) multi.set(name, (multi.get(name) ?? 0) + 1);
      const s = samples.get(name) ?? [];
      for (const v of g.values) if (!s.includes(v) && s.length < maxSamples) s.push(v);
      samples.set(name, s);
      const t = targets.get(name) ?? new Map<string, number>();
      for (const tt of g.targetTypes) if (tt) t.set(tt, (t.get(tt) ?? 0) + 1);
      targets.set(name, t);
    }
  }
  const total = notes.length;
  // most common first; ties keep first-seen order (Python's Counter.most_common is a stable sort)
  return [...count.entries()].sort((a, b) => b[1] - a[1]).map(([name, c]) => {
    const t = [...(targets.get(name) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1]);
    return { name, source, count: c, total, percentage: c / total, sample_values: samples.get(name) ?? [],
      is_array: (multi.get(name) ?? 0) > c / 2, target_type: source === 'relation' ? (t[0]?.[0] ?? null) : null };
  });
}

export interface InferenceReport {
  note_type: string; notes_analyzed: number; field_frequencies: FieldFrequency[]; suggested_schema: Record<string, string>;
  suggested_required: string[]; suggested_optional: string[]; excluded: string[];
}

export function inferSchema(noteType: string, notes: NoteData[], optionalThreshold = 0.25, requiredThreshold = 0.95): InferenceReport {
  const all = notes.length ? [...frequencies(notes, 'observation', 5), ...frequencies(notes, 'relation', 5)] : [];
  const report: InferenceReport = { note_type: noteType, notes_analyzed: notes.length, field_frequencies: all, suggested_schema: {},
    suggested_required: [], suggested_optional: [], excluded: [] };
  for (const f of all) {
    if (f.percentage >= requiredThreshold) report.suggested_required.push(f.name);
    else if (f.percentage >= optionalThreshold) report.suggested_optional.push(f.name);
    else { report.excluded.push(f.name); continue; }
    const key = `${f.name}${f.percentage >= requiredThreshold ? '' : '?'}${f.is_array ? '(array)' : ''}`;
    const target = f.source === 'relation' && f.target_type ? f.target_type[0]!.toUpperCase() + f.target_type.slice(1) : 'string';
    report.suggested_schema[key] = target;
  }
  return report;
}

interface DriftField { name: string; source: 'observation' | 'relation'; count: number; total: number; percentage: number }
export interface DriftReport { note_type: string; schema_found: boolean; new_fields: DriftField[]; dropped_fields: DriftField[]; cardinality_changes: string[] }

const drift = (f: FieldFrequency): DriftField => ({ name: f.name, source: f.source, count: f.count, total: f.total, percentage: f.percentage });

export function diffSchema(noteType: string, schema: SchemaDefinition, notes: NoteData[], newThreshold = 0.25, droppedThreshold = 0.1): DriftReport {
  const report: DriftReport = { note_type: noteType, schema_found: true, new_fields: [], dropped_fields: [], cardinality_changes: [] };
  if (!notes.length) return report;
  const obs = frequencies(notes, 'observation', 3);
  const rel = frequencies(notes, 'relation', 3);
  const declared = new Set(schema.fields.map((f) => f.name));
  const byName = new Map([...obs, ...rel].map((f) => [f.name, f]));
  for (const f of [...obs, ...rel]) if (!declared.has(f.name) && f.percentage >= newThreshold) report.new_fields.push(drift(f));
  for (const sf of schema.fields) {
    const f = byName.get(sf.name);
    if (!f) report.dropped_fields.push({ name: sf.name, source: sf.is_entity_ref ? 'relation' : 'observation', count: 0, total: notes.length, percentage: 0 });
    else if (f.percentage < droppedThreshold) report.dropped_fields.push(drift(f));
  }
  for (const sf of schema.fields) {
    const f = byName.get(sf.name);
    if (!f) continue;
    if (sf.is_array && !f.is_array) report.cardinality_changes.push(`${sf.name}: schema declares array but usage is typically single-value`);
    else if (!sf.is_array && f.is_array) report.cardinality_changes.push(`${sf.name}: schema declares single-value but usage is typically array`);
  }
  return report;
}
