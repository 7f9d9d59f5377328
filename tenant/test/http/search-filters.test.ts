// POST /search/ (v1 and v2) honours upstream's filters: `types` (v0.16, frontmatter type), `note_types` (v0.19+, any
// case), `entity_types` (notes, observations, relations) and `after_date` (v0.16: created_at; v0.22.1: updated_at).
// Each test would fail if the filter were ignored: the unfiltered query answers more (or other) items.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-search-filters-');
const dataDir = path.join(tmp, 'data');
let t: Tenant;
let ext: string;

const titles = (body: any) => body.results.map((r: any) => r.title).sort();

before(async () => {
  const main = path.join(dataDir, 'main');
  fs.mkdirSync(path.join(main, 'specs'), { recursive: true });
  fs.writeFileSync(path.join(main, 'specs', 'Search Spec.md'),
    '---\ntitle: Search Spec\ntype: Spec\n---\nThe zebra search design.\n\n- [decision] zebra ranking uses bm25 #search\n- [idea] cache pages\n- implements [[Zebra Guide]]\n');
  fs.writeFileSync(path.join(main, 'Zebra Guide.md'), '---\ntitle: Zebra Guide\ntype: guide\n---\nHow to use zebra search.\n');
  fs.writeFileSync(path.join(main, 'Old Zebra.md'), '---\ntitle: Old Zebra\n---\nAn old zebra note.\n');
  // Old Zebra was last modified in 2020 (its created_at, the file's birth time, is today)
  const old = new Date('2020-06-01T00:00:00Z');
  fs.utimesSync(path.join(main, 'Old Zebra.md'), old, old);
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  ext = (await t.json('POST', '/v2/projects/resolve', { identifier: 'main' })).body.external_id;
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('search filters', () => {
  test('unfiltered: the three zebra notes (the baseline every filter narrows)', async () => {
    for (const url of ['/main/search/', `/v2/projects/${ext}/search/`]) {
      const r = await t.json('POST', url, { text: 'zebra' });
      assert.equal(r.status, 200, url);
      assert.deepEqual(titles(r.body), ['Old Zebra', 'Search Spec', 'Zebra Guide'], url);
      assert.ok(r.body.results.every((x: any) => x.type === 'entity'));
    }
  });

  test('types (v0.16) is the exact frontmatter type; note_types (v0.19+) any case', async () => {
    const exact = await t.json('POST', '/main/search/', { text: 'zebra', types: ['Spec'] });
    assert.deepEqual(titles(exact.body), ['Search Spec']);
    const wrongCase = await t.json('POST', '/main/search/', { text: 'zebra', types: ['spec'] });
    assert.deepEqual(titles(wrongCase.body), []);
    const v2 = await t.json('POST', `/v2/projects/${ext}/search/`, { text: 'zebra', note_types: ['spec', 'GUIDE'] });
    assert.deepEqual(titles(v2.body), ['Search Spec', 'Zebra Guide']);
    // a filter alone is a criterion (upstream): every note of that type, no text needed
    const alone = await t.json('POST', `/v2/projects/${ext}/search/`, { note_types: ['note'] });
    assert.deepEqual(titles(alone.body), ['Old Zebra']);
    const none = await t.json('POST', '/main/search/', {});
    assert.deepEqual(none.body.results, []);
  });

  test('entity_types: observations and relations of the matching notes, not the notes', async () => {
    const obs = await t.json('POST', '/main/search/', { text: 'zebra', entity_types: ['observation'] });
    assert.equal(obs.status, 200);
    assert.equal(obs.body.results.length, 1, JSON.stringify(obs.body));
    const o = obs.body.results[0];
    assert.equal(o.type, 'observation');
    assert.equal(o.category, 'decision');
    assert.match(o.content, /^zebra ranking uses bm25/);
    assert.match(o.matched_snippet, /<mark>zebra<\/mark>/);
    assert.equal(o.file_path, 'specs/Search Spec.md');
    assert.match(o.permalink, /^specs\/search-spec\/observations\/decision\//);
    const allObs = await t.json('POST', '/main/search/', { entity_types: ['observation'] });
    assert.deepEqual(allObs.body.results.map((x: any) => x.category).sort(), ['decision', 'idea']);
    const rel = await t.json('POST', `/v2/projects/${ext}/search/`, { text: 'zebra', entity_types: ['relation'] });
    assert.equal(rel.body.results.length, 1, JSON.stringify(rel.body));
    assert.equal(rel.body.results[0].type, 'relation');
    assert.equal(rel.body.results[0].relation_type, 'implements');
    assert.equal(rel.body.results[0].from_entity, 'specs/search-spec');
    assert.equal(rel.body.results[0].to_entity, 'zebra-guide');
    const mixed = await t.json('POST', '/main/search/?page_size=3', { text: 'zebra', entity_types: ['entity', 'observation'] });
    assert.equal(mixed.body.results.length, 3);
    assert.equal(mixed.body.has_more, true, 'three notes + one observation: a second page');
    const second = await t.json('POST', '/main/search/?page_size=3&page=2', { text: 'zebra', entity_types: ['entity', 'observation'] });
    assert.equal(second.body.results.length, 1);
    assert.equal(second.body.has_more, false);
    const bad = await t.json('POST', '/main/search/', { text: 'zebra', entity_types: ['chunk'] });
    assert.equal(bad.status, 422);
    assert.ok(Array.isArray(bad.body.detail));
  });

  test('after_date: v2 compares updated_at, v1 created_at; a bad date is a 400 {detail}', async () => {
    const v2 = await t.json('POST', `/v2/projects/${ext}/search/`, { text: 'zebra', after_date: '2024-01-01' });
    assert.deepEqual(titles(v2.body), ['Search Spec', 'Zebra Guide'], 'Old Zebra was updated in 2020');
    const v2Old = await t.json('POST', `/v2/projects/${ext}/search/`, { text: 'zebra', after_date: '2019-12-31T23:00:00' });
    assert.equal(v2Old.body.results.length, 3);
    // v0.16 compared created_at: every note was created (born) today, Old Zebra too
    const v1 = await t.json('POST', '/main/search/', { text: 'zebra', after_date: '2024-01-01T00:00:00Z' });
    assert.deepEqual(titles(v1.body), ['Old Zebra', 'Search Spec', 'Zebra Guide']);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const v1None = await t.json('POST', '/main/search/', { text: 'zebra', after_date: tomorrow });
    assert.deepEqual(v1None.body.results, []);
    const bad = await t.json('POST', '/main/search/', { text: 'zebra', after_date: 'last tuesday' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /after_date/);
  });
});
