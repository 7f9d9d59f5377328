// v2 note schemas (upstream v0.22.1): POST /schema/validate, POST /schema/infer, GET /schema/diff/{note_type}.
// A schema is a note with `type: schema`; its Picoschema fields map to observations ([field] value) and, when
// capitalised, to relations (field [[Target]]). Real tenant process on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, v2Base, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-v2-schema-');
const dataDir = path.join(tmp, 'data');
let t: Tenant;
let base: string;

const write = (rel: string, text: string) => {
  const abs = path.join(dataDir, 'main', rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
};

before(async () => {
  write('schemas/Person.md', `---
title: Person
type: schema
entity: Person
version: 1
schema:
  name: string, full name
  role?: string
  works_at?: Organization, employer
  status?(enum): [active, inactive]
settings:
  validation: warn
---
# Person schema
`);
  write('people/Alice.md', '---\ntitle: Alice\ntype: Person\n---\n- [name] Alice Liddell\n- [role] engineer\n- [status] active\n- [hobby] chess\n- works_at [[Acme]]\n');
  write('people/Bob.md', '---\ntitle: Bob\ntype: Person\n---\n- [role] designer\n- [status] retired\n- [hobby] go\n- [hobby] tennis\n');
  write('orgs/Acme.md', '---\ntitle: Acme\ntype: Organization\n---\nA company.\n');
  write('notes/Inline.md', '---\ntitle: Inline\ntype: memo\nschema:\n  topic: string\nsettings:\n  validation: strict\n---\n- [other] no topic here\n');
  write('schemas/Broken.md', '---\ntitle: Broken\ntype: schema\nentity: Gadget\n---\nno schema dict\n');
  write('things/Widget.md', '---\ntitle: Widget\ntype: Gadget\n---\n- [size] small\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  base = await v2Base(t);
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('note schemas', () => {
  test('validate by note_type: each note against the schema its type names (warn mode: warnings, still passed)', async () => {
    const r = await t.json('POST', `${base}/schema/validate?note_type=Person`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['error_count', 'note_type', 'results', 'total_entities', 'total_notes', 'type_summaries', 'valid_count', 'warning_count']);
    assert.equal(r.body.note_type, 'Person');
    assert.equal(r.body.total_entities, 2);
    assert.equal(r.body.total_notes, 2);
    assert.equal(r.body.valid_count, 2);
    assert.equal(r.body.warning_count, 2);
    assert.equal(r.body.error_count, 0);
    const alice = r.body.results.find((x: any) => x.note_identifier === 'Alice');
    assert.equal(alice.schema_entity, 'Person');
    assert.equal(alice.passed, true);
    assert.deepEqual(alice.warnings, []);
    assert.deepEqual(alice.unmatched_observations, { hobby: 1 });
    assert.deepEqual(alice.unmatched_relations, []);
    assert.deepEqual(alice.field_results.find((f: any) => f.field_name === 'works_at'),
      { field_name: 'works_at', field_type: 'Organization', required: false, status: 'present', values: ['Acme'], message: null });
    const bob = r.body.results.find((x: any) => x.note_identifier === 'Bob');
    assert.deepEqual(bob.warnings, ['Missing required field: name (expected [name] observation)',
      "Field 'status' has invalid value(s): retired (allowed: active, inactive)"]);
    assert.equal(bob.passed, true);
    assert.deepEqual(bob.unmatched_observations, { hobby: 2 });
  });

  test('validate one note by identifier; an inline strict schema turns a missing field into an error', async () => {
    const r = await t.json('POST', `${base}/schema/validate?identifier=notes/Inline`);
    assert.equal(r.status, 200);
    assert.equal(r.body.note_type, 'memo');
    assert.equal(r.body.total_entities, 1);
    assert.equal(r.body.valid_count, 0);
    assert.equal(r.body.error_count, 1);
    assert.deepEqual(r.body.results[0].errors, ['Missing required field: topic (expected [topic] observation)']);
    assert.equal(r.body.results[0].passed, false);
    const none = await t.json('POST', `${base}/schema/validate?identifier=nothing-like-this-zzz`);
    assert.deepEqual(none.body, { note_type: null, total_notes: 0, total_entities: 0, valid_count: 0, warning_count: 0, error_count: 0, results: [], type_summaries: [] });
    const noSchema = await t.json('POST', `${base}/schema/validate?note_type=Organization`);
    assert.equal(noSchema.body.total_entities, 1);
    assert.equal(noSchema.body.total_notes, 0, 'no schema for the type: nothing validated');
  });

  test('infer: frequencies over the notes of a type, a suggested Picoschema, the threshold honoured', async () => {
    const r = await t.json('POST', `${base}/schema/infer?note_type=Person`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.notes_analyzed, 2);
    const role = r.body.field_frequencies.find((f: any) => f.name === 'role');
    assert.deepEqual(role, { name: 'role', source: 'observation', count: 2, total: 2, percentage: 1, sample_values: ['engineer', 'designer'], is_array: false, target_type: null });
    const worksAt = r.body.field_frequencies.find((f: any) => f.name === 'works_at');
    assert.equal(worksAt.source, 'relation');
    assert.equal(worksAt.target_type, 'Organization');
    assert.deepEqual(r.body.suggested_schema, { role: 'string', status: 'string', hobby: 'string', 'name?': 'string', 'works_at?': 'Organization' });
    assert.deepEqual(r.body.suggested_required.sort(), ['hobby', 'role', 'status']);
    assert.deepEqual(r.body.suggested_optional.sort(), ['name', 'works_at']);
    const strict = await t.json('POST', `${base}/schema/infer?note_type=Person&threshold=0.6`);
    assert.deepEqual(strict.body.excluded.sort(), ['name', 'works_at']);
    const missing = await t.json('POST', `${base}/schema/infer`);
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.detail[0].loc, ['query', 'note_type']);
  });

  test('diff: new, dropped and cardinality drift; no schema → schema_found false; a broken schema note is a 400 {detail}', async () => {
    const r = await t.json('GET', `${base}/schema/diff/Person`);
    assert.equal(r.status, 200);
    assert.equal(r.body.schema_found, true);
    assert.deepEqual(r.body.new_fields, [{ name: 'hobby', source: 'observation', count: 2, total: 2, percentage: 1 }]);
    assert.deepEqual(r.body.dropped_fields, []);
    assert.deepEqual(r.body.cardinality_changes, []);
    const none = await t.json('GET', `${base}/schema/diff/Organization`);
    assert.deepEqual(none.body, { note_type: 'Organization', schema_found: false, new_fields: [], dropped_fields: [], cardinality_changes: [] });
    const broken = await t.json('GET', `${base}/schema/diff/Gadget`);
    assert.equal(broken.status, 400);
    assert.equal(broken.body.detail, "Schema note missing required 'schema' dict in frontmatter");
  });

  test('validate with neither note_type nor identifier: every schema-covered type, with a rollup per type (HEAD)', async () => {
    // the broken schema note covers Gadget: an authoring error is a 400 {detail}, as HEAD answers
    const broken = await t.json('POST', `${base}/schema/validate`);
    assert.equal(broken.status, 400);
    assert.match(broken.body.detail, /missing required 'schema' dict/);
    assert.equal((await t.json('DELETE', '/main/knowledge/entities/schemas/broken')).body.deleted, true);
    const r = await t.json('POST', `${base}/schema/validate`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.note_type, null);
    assert.equal(r.body.total_entities, 3);
    assert.equal(r.body.total_notes, 3);
    assert.equal(r.body.valid_count, 2);
    assert.equal(r.body.error_count, 1);
    assert.deepEqual(r.body.type_summaries.map((x: any) => [x.note_type, x.total_notes, x.valid_count]).sort(), [['Person', 2, 2], ['memo', 1, 0]]);
  });
});
