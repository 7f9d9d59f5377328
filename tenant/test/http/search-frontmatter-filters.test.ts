// POST /search/ applies upstream's frontmatter filters (metadata_filters, status) and ours (title_contains,
// permalink_contains; categories also narrow observation items) in the query itself, before paging: every page is
// full and has_more is honest (filtering a page after the fact gave short pages and a has_more that lied).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-search-fm-');
const dataDir = path.join(tmp, 'data');
let t: Tenant;
let ext: string;
const search = (body: Record<string, unknown>, page = 1, size = 3) => t.json('POST', `/v2/projects/${ext}/search/?page=${page}&page_size=${size}`, { text: 'okapi', ...body });
const titles = (body: any) => body.results.map((r: any) => r.title).sort();

before(async () => {
  const main = path.join(dataDir, 'main', 'zoo');
  fs.mkdirSync(main, { recursive: true });
  // 12 okapi notes: every third is done; even ones are tagged rare (a YAML list), odd ones carry "common, striped" as a string
  for (let i = 1; i <= 12; i++) {
    const fm = [`title: Okapi ${String(i).padStart(2, '0')}`, `status: ${i % 3 === 0 ? 'Done' : 'open'}`,
      i % 2 === 0 ? 'tags:\n  - rare\n  - "#forest"' : 'tags: common, striped', `priority: ${i % 4}`, `owner:\n  team: ${i <= 6 ? 'alpha' : 'beta'}`];
    fs.writeFileSync(path.join(main, `Okapi ${String(i).padStart(2, '0')}.md`),
      `---\n${fm.join('\n')}\n---\nAn okapi note.\n\n- [fact] okapi fact ${i}\n- [idea] okapi idea ${i}\n`);
  }
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  ext = (await t.json('POST', '/v2/projects/resolve', { identifier: 'main' })).body.external_id;
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('frontmatter filters before paging', () => {
  test('status: 4 of 12 notes, pages of 3 are full and has_more tells the truth', async () => {
    const p1 = await search({ status: 'done' });
    assert.equal(p1.status, 200, JSON.stringify(p1.body));
    assert.equal(p1.body.results.length, 3);
    assert.equal(p1.body.has_more, true);
    const p2 = await search({ status: 'DONE' }, 2);
    assert.deepEqual(titles(p2.body).length, 1);
    assert.equal(p2.body.has_more, false);
    const all = [...titles(p1.body), ...titles(p2.body)].sort();
    assert.deepEqual(all, ['Okapi 03', 'Okapi 06', 'Okapi 09', 'Okapi 12']);
  });

  test('metadata_filters: a list means every value (YAML list or comma string, any case, # ignored); scalars, $in, nested fields', async () => {
    const rare = await search({ metadata_filters: { tags: ['Rare', 'forest'] } }, 1, 20);
    assert.deepEqual(titles(rare.body), ['Okapi 02', 'Okapi 04', 'Okapi 06', 'Okapi 08', 'Okapi 10', 'Okapi 12']);
    const rarePage = await search({ metadata_filters: { tags: ['rare'] } }, 1, 5);
    assert.equal(rarePage.body.results.length, 5);
    assert.equal(rarePage.body.has_more, true);
    const striped = await search({ metadata_filters: { tags: ['striped', 'common'] } }, 1, 20);
    assert.equal(striped.body.results.length, 6);
    assert.deepEqual((await search({ metadata_filters: { tags: ['rare', 'striped'] } })).body.results, []);
    const p0 = await search({ metadata_filters: { priority: 0, 'owner.team': 'beta' } }, 1, 20);
    assert.deepEqual(titles(p0.body), ['Okapi 08', 'Okapi 12']);
    const anyOf = await search({ metadata_filters: { priority: { $in: [1, 2] } }, status: 'open' }, 1, 20);
    assert.deepEqual(titles(anyOf.body), ['Okapi 01', 'Okapi 02', 'Okapi 05', 'Okapi 10']);
    // with no text, the filter alone lists the notes
    const noText = await t.json('POST', `/v2/projects/${ext}/search/?page=1&page_size=20`, { metadata_filters: { 'owner.team': 'alpha' } });
    assert.equal(noText.body.results.length, 6);
    const bad = await search({ metadata_filters: { priority: { $gt: 1 } } });
    assert.equal(bad.status, 422);
    const badName = await search({ metadata_filters: { 'a"b': 1 } });
    assert.equal(badName.status, 422);
  });

  test('title_contains / permalink_contains page in the query; categories narrow observation items too', async () => {
    const byTitle = await search({ title_contains: 'OKAPI 1' }, 1, 2);
    assert.deepEqual(titles(byTitle.body), ['Okapi 10', 'Okapi 11']);
    assert.equal(byTitle.body.has_more, true);
    const byLink = await search({ permalink_contains: 'zoo/okapi-0' }, 1, 20);
    assert.equal(byLink.body.results.length, 9);
    const ideas = await search({ entity_types: ['observation'], categories: ['IDEA'] }, 1, 5);
    assert.equal(ideas.body.results.length, 5);
    assert.ok(ideas.body.results.every((r: any) => r.type === 'observation' && r.category === 'idea'), JSON.stringify(ideas.body.results));
    assert.equal(ideas.body.has_more, true);
    const last = await search({ entity_types: ['observation'], categories: ['idea'] }, 3, 5);
    assert.equal(last.body.results.length, 2);
    assert.equal(last.body.has_more, false);
  });
});
