// Tag and category filters on POST /search/ apply before paging: every page is full and has_more is honest.
// 30 notes match the words; 18 carry the tag (frontmatter or an observation's #tag), 7 an observation in the category.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-search-tags-');
const dataDir = path.join(tmp, 'data');
let t: Tenant;
const name = (i: number) => `note ${String(i).padStart(2, '0')}`; // the title: file name (a heading is not a title)

before(async () => {
  const main = path.join(dataDir, 'main');
  fs.mkdirSync(main, { recursive: true });
  for (let i = 0; i < 30; i++) {
    const tagged = i % 5 === 0 ? '---\ntags: [Rare, other]\n---\n' : '';
    const obsTag = i % 5 === 1 || i % 5 === 2 ? ' #rare' : '';
    const category = i < 7 ? 'Decision' : 'idea';
    fs.writeFileSync(path.join(main, `${name(i)}.md`), `${tagged}# Note ${i}\n\nquokka text ${i}\n\n- [${category}] quokka fact${obsTag}\n`);
  }
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function allPages(body: Record<string, unknown>, size: number): Promise<{ sizes: number[]; more: boolean[]; titles: string[] }> {
  const sizes: number[] = [], more: boolean[] = [], titles: string[] = [];
  for (let page = 1; page <= 10; page++) {
    const r = await t.json('POST', `/main/search/?page=${page}&page_size=${size}`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    sizes.push(r.body.results.length);
    more.push(r.body.has_more);
    titles.push(...r.body.results.map((x: any) => x.title));
    if (!r.body.has_more) break;
  }
  return { sizes, more, titles };
}

describe('tag and category filters before paging', () => {
  test('tags: frontmatter or observation tag, any case; pages full until the last; has_more true exactly while more remain', async () => {
    const r = await allPages({ text: 'quokka', tags: ['rare'] }, 5);
    assert.deepEqual(r.sizes, [5, 5, 5, 3]);
    assert.deepEqual(r.more, [true, true, true, false]);
    const want = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 5 <= 2).map(name).sort();
    assert.deepEqual([...r.titles].sort(), want);
    const upper = await allPages({ text: 'quokka', tags: ['#RARE'] }, 5);
    assert.deepEqual([...upper.titles].sort(), want);
  });

  test('categories: an observation in the category, any case; filters alone (no words) list what passes them', async () => {
    const r = await allPages({ text: 'quokka', categories: ['decision'] }, 3);
    assert.deepEqual(r.sizes, [3, 3, 1]);
    assert.deepEqual(r.more, [true, true, false]);
    assert.deepEqual([...r.titles].sort(), Array.from({ length: 7 }, (_, i) => name(i)));
    const both = await allPages({ text: '', categories: ['Decision'], tags: ['rare'] }, 10);
    assert.deepEqual([...both.titles].sort(), [0, 1, 2, 5, 6].map(name));
    const none = await t.json('POST', '/main/search/', { text: 'quokka', tags: ['absent'] });
    assert.deepEqual([none.body.results.length, none.body.has_more], [0, false]);
  });
});
