// Upstream v1 knowledge routes (PUT/PATCH/GET/list/delete-many) and memory routes (recent, build context) over HTTP,
// against a real tenant process on real files. Shapes from upstream v0.16 schemas (EntityResponse, GraphContext).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-knowledge-');
let t: Tenant;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const file = (rel: string) => path.join(t.dataDir, 'main', rel);
const ENTITY_KEYS = ['checksum', 'content_type', 'created_at', 'entity_metadata', 'entity_type', 'file_path', 'id', 'observations', 'permalink', 'relations', 'title', 'updated_at'];

before(async () => {
  const dataDir = path.join(tmp, 'data');
  const main = path.join(dataDir, 'main');
  fs.mkdirSync(path.join(main, 'graph'), { recursive: true });
  // A small graph: hub → a → b → c (each a relation), old → hub; "old" is 30 days old.
  fs.writeFileSync(path.join(main, 'graph', 'Hub.md'), '---\ntitle: Hub\n---\n# Hub\n\n- [idea] hubs connect things #graph\n- links_to [[Node A]]\n');
  fs.writeFileSync(path.join(main, 'graph', 'Node A.md'), '---\ntitle: Node A\n---\n- next [[Node B]]\n');
  fs.writeFileSync(path.join(main, 'graph', 'Node B.md'), '---\ntitle: Node B\n---\n- next [[Node C]]\n');
  fs.writeFileSync(path.join(main, 'graph', 'Node C.md'), '---\ntitle: Node C\n---\nthe end\n');
  fs.writeFileSync(path.join(main, 'graph', 'Old.md'), '---\ntitle: Old\n---\n- points_to [[Hub]]\n');
  const old = (Date.now() - 30 * 86400_000) / 1000;
  fs.utimesSync(path.join(main, 'graph', 'Old.md'), old, old);
  // Two notes with the same title in different folders.
  fs.mkdirSync(path.join(main, 'a')); fs.mkdirSync(path.join(main, 'b'));
  fs.writeFileSync(path.join(main, 'a', 'Twin.md'), '---\ntitle: Twin\n---\nfirst twin\n');
  fs.writeFileSync(path.join(main, 'b', 'Twin.md'), '---\ntitle: Twin\n---\nsecond twin\n');
  fs.writeFileSync(path.join(main, 'junk.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0, 1, 2, 0xff, 0xfe]));
  fs.writeFileSync(path.join(main, 'latin1.md'), Buffer.from('caf\xe9 au lait\n', 'latin1'));
  fs.writeFileSync(path.join(main, 'broken.md'), '---\ntitle: [unclosed\n---\nbody of broken\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('knowledge: PUT create-or-replace', () => {
  test('PUT creates (201) then replaces (200), frontmatter merged, indexed at once', async () => {
    const body = { title: 'Put Note', folder: 'put', content: '# Put Note\n\n- [fact] first version #v1\n', entity_type: 'note' };
    const c = await t.json('PUT', '/main/knowledge/entities/put/put-note', body);
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.deepEqual(Object.keys(c.body).sort(), ENTITY_KEYS);
    assert.equal(c.body.file_path, 'put/Put Note.md');
    assert.equal(c.body.permalink, 'put/put-note');
    assert.equal(c.body.observations[0].category, 'fact');
    const onDisk = fs.readFileSync(file('put/Put Note.md'), 'utf8');
    assert.match(onDisk, /^---\ntitle: Put Note\ntype: note\npermalink: put\/put-note\n---\n/);
    assert.equal(c.body.checksum, sha(onDisk));
    // user adds a frontmatter key by hand; a replace keeps it (upstream merges existing metadata)
    fs.writeFileSync(file('put/Put Note.md'), onDisk.replace('permalink: put/put-note\n', 'permalink: put/put-note\nstatus: draft\n'));
    const r = await t.json('PUT', '/main/knowledge/entities/put/put-note', { ...body, content: 'second version\n' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.id, c.body.id);
    const after2 = fs.readFileSync(file('put/Put Note.md'), 'utf8');
    assert.match(after2, /status: draft/);
    assert.match(after2, /second version/);
    assert.doesNotMatch(after2, /first version/);
    const s = await t.json('GET', '/main/search?q=second');
    assert.ok(s.body.results.some((x: any) => x.file_path === 'put/Put Note.md'));
  });

  test('PUT with a permalink that does not match the body: 400 {detail}, nothing written', async () => {
    const r = await t.json('PUT', '/main/knowledge/entities/somewhere/else', { title: 'Mismatch', folder: 'put', content: 'x' });
    assert.equal(r.status, 400);
    assert.match(r.body.detail, /must match URL path/);
    assert.ok(!fs.existsSync(file('put/Mismatch.md')));
  });

  test('PUT with If-Match of an older version: 412, the newer file on disk is untouched', async () => {
    const g = await t.json('GET', '/main/knowledge/entities/put/put-note');
    const read = g.body.checksum;
    assert.equal(g.headers.get('etag'), `"${read}"`);
    const changed = fs.readFileSync(file('put/Put Note.md'), 'utf8') + '\nedited in another editor\n';
    fs.writeFileSync(file('put/Put Note.md'), changed);
    const res = await t.request('PUT', '/main/knowledge/entities/put/put-note', { title: 'Put Note', folder: 'put', content: 'clobber' }, { 'if-match': `"${read}"` });
    assert.equal(res.status, 412);
    assert.match((await res.json()).detail, /changed since it was read/);
    assert.equal(fs.readFileSync(file('put/Put Note.md'), 'utf8'), changed);
    // with the current checksum it goes through
    const ok = await t.request('PUT', '/main/knowledge/entities/put/put-note', { title: 'Put Note', folder: 'put', content: 'third\n' }, { 'if-match': `"${sha(changed)}"` });
    assert.equal(ok.status, 200);
  });

  test('PUT path escapes are refused', async () => {
    const r = await t.json('PUT', '/main/knowledge/entities/x', { title: 'X', folder: '../outside', content: 'x' });
    assert.equal(r.status, 400);
    assert.ok(!fs.existsSync(path.join(t.dataDir, 'outside')));
  });
});

describe('knowledge: PATCH edit operations', () => {
  const note = 'edit/Edit Me.md';
  const text = () => fs.readFileSync(file(note), 'utf8');
  before(async () => {
    const c = await t.json('POST', '/main/knowledge/entities', { title: 'Edit Me', folder: 'edit', content: '# Edit Me\n\nintro line\n\n## Tasks\n- one\n\n## Notes\nkeep me\nfoo foo\n' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
  });
  const patch = (body: object, headers: Record<string, string> = {}) => t.request('PATCH', '/main/knowledge/entities/edit/edit-me', body, headers);

  test('append and prepend (prepend keeps the frontmatter first)', async () => {
    let r = await patch({ operation: 'append', content: 'appended line' });
    assert.equal(r.status, 200, await r.clone().text());
    assert.match(text(), /appended line$/);
    r = await patch({ operation: 'prepend', content: 'prepended line' });
    assert.equal(r.status, 200);
    assert.match(text(), /^---\n[\s\S]*?\n---\n\nprepended line\n# Edit Me/);
  });

  test('find_replace with expected_replacements; a count mismatch is a 400 and the file is unchanged', async () => {
    const before1 = text();
    let r = await patch({ operation: 'find_replace', content: 'bar', find_text: 'foo' });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).detail, "Expected 1 occurrences of 'foo', but found 2");
    assert.equal(text(), before1);
    r = await patch({ operation: 'find_replace', content: 'x', find_text: 'absent text' });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).detail, "Text to replace not found: 'absent text'");
    r = await patch({ operation: 'find_replace', content: 'bar', find_text: 'foo', expected_replacements: 2 });
    assert.equal(r.status, 200);
    assert.match(text(), /bar bar/);
    r = await patch({ operation: 'find_replace', content: 'bar' });
    assert.equal(r.status, 422, 'find_text is required');
  });

  test('replace_section, insert_before_section, insert_after_section', async () => {
    let r = await patch({ operation: 'replace_section', section: '## Tasks', content: '- two\n- three' });
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.match(text(), /## Tasks\n- two\n- three\n## Notes/);
    assert.doesNotMatch(text(), /- one/);
    assert.equal(body.checksum, sha(text()));
    r = await patch({ operation: 'insert_before_section', section: 'Notes', content: 'before notes' });
    assert.equal(r.status, 200);
    assert.match(text(), /before notes\n\n## Notes/);
    r = await patch({ operation: 'insert_after_section', section: '## Notes', content: 'after heading' });
    assert.equal(r.status, 200);
    assert.match(text(), /## Notes\nafter heading\n\nkeep me/);
    r = await patch({ operation: 'insert_after_section', section: '## Missing', content: 'x' });
    assert.equal(r.status, 400);
    assert.match((await r.json()).detail, /not found/);
    r = await patch({ operation: 'replace_section', content: 'x' });
    assert.equal(r.status, 422);
    r = await patch({ operation: 'rewrite_everything', content: 'x' });
    assert.equal(r.status, 422);
  });

  test('a stale If-Match is refused with 412; unknown note 400 like upstream; binary and invalid UTF-8 notes are not edited', async () => {
    const cur = text();
    let r = await patch({ operation: 'append', content: 'x' }, { 'if-match': `"${'0'.repeat(64)}"` });
    assert.equal(r.status, 412);
    assert.equal(text(), cur);
    r = await patch({ operation: 'append', content: 'with checksum', expected_checksum: sha(cur) });
    assert.equal(r.status, 200);
    r = await t.request('PATCH', '/main/knowledge/entities/no/such-note', { operation: 'append', content: 'x' });
    assert.equal(r.status, 404);
    const junk = fs.readFileSync(file('junk.md'));
    r = await t.request('PATCH', '/main/knowledge/entities/junk', { operation: 'append', content: 'x' });
    assert.equal(r.status, 400);
    assert.match((await r.json()).detail, /binary/);
    assert.deepEqual(fs.readFileSync(file('junk.md')), junk);
    const latin = fs.readFileSync(file('latin1.md'));
    r = await t.request('PATCH', '/main/knowledge/entities/latin1', { operation: 'append', content: 'x' });
    assert.equal(r.status, 400);
    assert.match((await r.json()).detail, /UTF-8/);
    assert.deepEqual(fs.readFileSync(file('latin1.md')), latin);
  });
});

describe('knowledge: get, list, delete', () => {
  test('get by permalink, title, path, memory:// URL; 404 {detail}', async () => {
    for (const id of ['graph/hub', 'Hub', 'graph/Hub.md', 'graph/Hub', 'memory://graph/hub', encodeURIComponent('memory://graph/hub')]) {
      const r = await t.json('GET', `/main/knowledge/entities/${id}`);
      assert.equal(r.status, 200, id);
      assert.equal(r.body.file_path, 'graph/Hub.md', id);
    }
    const r = await t.json('GET', '/main/knowledge/entities/zzqx-nothing');
    assert.equal(r.status, 404);
    assert.equal(r.body.detail, 'Entity zzqx-nothing not found');
  });

  test('an ambiguous title resolves like upstream: exact permalink first, else the oldest note with that title', async () => {
    const byTitle = await t.json('GET', '/main/knowledge/entities/Twin');
    assert.equal(byTitle.status, 200);
    const a = await t.json('GET', '/main/knowledge/entities/a/twin');
    const b = await t.json('GET', '/main/knowledge/entities/b/twin');
    assert.equal(byTitle.body.id, Math.min(a.body.id, b.body.id));
    assert.equal(b.body.file_path, 'b/Twin.md');
  });

  test('broken YAML is readable (best effort), list by permalinks, delete many', async () => {
    const br = await t.json('GET', '/main/knowledge/entities/broken');
    assert.equal(br.status, 200);
    assert.equal(br.body.title, 'broken');
    const l = await t.json('GET', '/main/knowledge/entities?permalink=graph/node-a&permalink=graph/node-b&permalink=nope');
    assert.equal(l.status, 200);
    assert.deepEqual(l.body.entities.map((e: any) => e.title), ['Node A', 'Node B']);
    await t.json('POST', '/main/knowledge/entities', { title: 'Gone One', folder: 'tmp', content: 'x' });
    await t.json('POST', '/main/knowledge/entities', { title: 'Gone Two', folder: 'tmp', content: 'x' });
    const d = await t.json('POST', '/main/knowledge/entities/delete', { permalinks: ['tmp/gone-one', 'tmp/gone-two'] });
    assert.equal(d.status, 200);
    assert.deepEqual(d.body, { deleted: true });
    assert.ok(!fs.existsSync(file('tmp/Gone One.md')) && !fs.existsSync(file('tmp/Gone Two.md')));
    const bad = await t.json('POST', '/main/knowledge/entities/delete', { permalinks: [] });
    assert.equal(bad.status, 422);
  });
});

describe('memory', () => {
  test('build context: depth 1 reaches the direct neighbours, depth 2 one hop further', async () => {
    const d1 = await t.json('GET', '/main/memory/graph/node-a?depth=1');
    assert.equal(d1.status, 200, JSON.stringify(d1.body));
    assert.deepEqual(Object.keys(d1.body).sort(), ['has_more', 'metadata', 'page', 'page_size', 'results']);
    const r = d1.body.results[0];
    assert.equal(r.primary_result.type, 'entity');
    assert.equal(r.primary_result.permalink, 'graph/node-a');
    const titles = (x: any) => x.related_results.filter((i: any) => i.type === 'entity').map((i: any) => i.title).sort();
    assert.deepEqual(titles(r), ['Hub', 'Node B']);
    const rel = r.related_results.find((i: any) => i.type === 'relation' && i.relation_type === 'next');
    // upstream v0.22's RelationSummary (v1 clients ignore the two external ids)
    assert.deepEqual(Object.keys(rel).sort(), ['created_at', 'file_path', 'from_entity', 'from_entity_external_id', 'permalink', 'relation_type', 'title', 'to_entity', 'to_entity_external_id', 'type']);
    assert.equal(rel.from_entity, 'Node A');
    assert.equal(rel.to_entity, 'Node B');
    const d2 = await t.json('GET', '/main/memory/graph/node-a?depth=2&max_related=50');
    assert.deepEqual(titles(d2.body.results[0]), ['Hub', 'Node B', 'Node C', 'Old']);
    assert.equal(d2.body.metadata.depth, 2);
    assert.equal(d2.body.metadata.uri, 'graph/node-a');
    // max_related caps the related items
    const capped = await t.json('GET', '/main/memory/graph/node-a?depth=2&max_related=2');
    assert.equal(capped.body.results[0].related_results.length, 2);
    assert.equal(capped.body.metadata.related_count, 2);
  });

  test('build context: timeframe leaves out related notes older than it; observations of the primary are listed', async () => {
    const all = await t.json('GET', '/main/memory/memory://graph/hub?depth=1');
    const hub = all.body.results[0];
    assert.ok(hub.related_results.some((i: any) => i.title === 'Old'));
    assert.equal(hub.observations[0].category, 'idea');
    assert.equal(hub.observations[0].type, 'observation');
    const recentOnly = await t.json('GET', '/main/memory/graph/hub?depth=1&timeframe=7d');
    assert.equal(recentOnly.status, 200);
    assert.ok(!recentOnly.body.results[0].related_results.some((i: any) => i.title === 'Old'));
    assert.ok(recentOnly.body.results[0].related_results.some((i: any) => i.title === 'Node A'));
    const bad = await t.json('GET', '/main/memory/graph/hub?timeframe=whenever');
    assert.equal(bad.status, 422);
  });

  test('build context: glob pattern with paging; unknown uri gives empty results', async () => {
    const p1 = await t.json('GET', '/main/memory/graph/node-*?page=1&page_size=2&max_related=0');
    assert.equal(p1.status, 200);
    assert.equal(p1.body.results.length, 2);
    assert.equal(p1.body.has_more, true);
    const p2 = await t.json('GET', '/main/memory/graph/node-*?page=2&page_size=2&max_related=0');
    assert.equal(p2.body.results.length, 1);
    assert.equal(p2.body.has_more, false);
    const seen = [...p1.body.results, ...p2.body.results].map((x: any) => x.primary_result.permalink).sort();
    assert.deepEqual(seen, ['graph/node-a', 'graph/node-b', 'graph/node-c']);
    const none = await t.json('GET', '/main/memory/nothing/here');
    assert.equal(none.status, 200);
    assert.equal(none.body.results.length, 0);
  });

  test('recent activity: timeframe, types, paging', async () => {
    const r = await t.json('GET', '/main/memory/recent?timeframe=7d&type=entity&page_size=100');
    assert.equal(r.status, 200);
    const titles = r.body.results.map((x: any) => x.primary_result.title);
    assert.ok(titles.includes('Hub') && !titles.includes('Old'), titles.join());
    assert.ok(r.body.results.every((x: any) => x.primary_result.type === 'entity'));
    assert.deepEqual(r.body.metadata.types, ['entity']);
    const longer = await t.json('GET', '/main/memory/recent?timeframe=60d&type=entity&page_size=100');
    assert.ok(longer.body.results.some((x: any) => x.primary_result.title === 'Old'));
    const obs = await t.json('GET', '/main/memory/recent?type=observation&page_size=100');
    assert.ok(obs.body.results.length > 0 && obs.body.results.every((x: any) => x.primary_result.type === 'observation'));
    const rels = await t.json('GET', '/main/memory/recent?type=relation&page_size=100');
    assert.ok(rels.body.results.some((x: any) => x.primary_result.relation_type === 'next'));
    const page1 = await t.json('GET', '/main/memory/recent?type=entity&page=1&page_size=2');
    const page2 = await t.json('GET', '/main/memory/recent?type=entity&page=2&page_size=2');
    assert.equal(page1.body.results.length, 2);
    assert.equal(page1.body.has_more, true);
    assert.notEqual(page1.body.results[0].primary_result.permalink, page2.body.results[0].primary_result.permalink);
    const bad = await t.json('GET', '/main/memory/recent?type=bogus');
    assert.equal(bad.status, 422);
  });
});

describe('directory and resource', () => {
  test('directory/tree has every file under a Root node; structure has folders only', async () => {
    const tree = await t.json('GET', '/main/directory/tree');
    assert.equal(tree.status, 200);
    assert.equal(tree.body.name, 'Root');
    assert.equal(tree.body.directory_path, '/');
    const graph = tree.body.children.find((n: any) => n.name === 'graph');
    assert.equal(graph.type, 'directory');
    assert.equal(graph.directory_path, '/graph');
    const hub = graph.children.find((n: any) => n.name === 'Hub.md');
    assert.equal(hub.type, 'file');
    assert.equal(hub.file_path, 'graph/Hub.md');
    assert.equal(hub.permalink, 'graph/hub');
    assert.ok(typeof hub.entity_id === 'number');
    const st = await t.json('GET', '/main/directory/structure');
    const names: string[] = [];
    const walk = (n: any) => { assert.equal(n.type, 'directory'); names.push(n.directory_path); n.children.forEach(walk); };
    walk(st.body);
    assert.ok(names.includes('/graph') && names.includes('/a'));
  });

  test('directory/list is flat (pre-order) to depth, with file_name_glob', async () => {
    const ls = await t.json('GET', '/main/directory/list?dir_name=/graph&depth=1&file_name_glob=Node*');
    assert.equal(ls.status, 200);
    assert.deepEqual(ls.body.map((n: any) => n.name).sort(), ['Node A.md', 'Node B.md', 'Node C.md']);
    const deep = await t.json('GET', '/main/directory/list?dir_name=/&depth=2');
    assert.ok(deep.body.some((n: any) => n.file_path === 'graph/Hub.md'), 'depth 2 lists files inside folders at the top level of the list');
  });

  test('globs from requests: picomatch semantics, linear time on a pathological pattern, a clear 400 over the length bound', async () => {
    const names = async (glob: string, dir = '/graph') => {
      const r = await t.json('GET', `/main/directory/list?dir_name=${dir}&depth=1&file_name_glob=${encodeURIComponent(glob)}`);
      assert.equal(r.status, 200, `${glob}: ${JSON.stringify(r.body)}`);
      return r.body.map((n: any) => n.name).sort();
    };
    assert.deepEqual(await names('Node [!A].md'), ['Node B.md', 'Node C.md']);
    assert.deepEqual(await names('?ode [AB]*'), ['Node A.md', 'Node B.md']);
    assert.deepEqual(await names('*Hub*'), ['Hub.md']);
    // A backtracking matcher takes minutes on this; ours answers at once (and finds nothing).
    const long = 'a'.repeat(200) + '.md';
    assert.equal((await t.request('PUT', `/main/resource/globs/${long}`, 'x')).status, 201);
    assert.deepEqual(await names('*a'.repeat(12) + 'b', '/globs'), []);
    assert.deepEqual(await names('*a*a*.md', '/globs'), [long]);
    for (const url of [`/main/directory/list?dir_name=/&file_name_glob=${'x'.repeat(257)}`, `/main/resource/graph/${'x/'.repeat(150)}*`, `/main/memory/graph/${'x/'.repeat(150)}*`]) {
      const r = await t.json('GET', url);
      assert.equal(r.status, 400, `${url.slice(0, 60)}: ${r.status}`);
      assert.match(r.body.detail, /characters long; the limit is 256/);
    }
  });

  test('resource: one note by permalink/title, a glob page of several, 404 {detail}', async () => {
    const one = await t.request('GET', '/main/resource/graph/hub');
    assert.equal(one.status, 200);
    assert.match(await one.text(), /hubs connect things/);
    const g1 = await t.request('GET', '/main/resource/graph/node-*?page=1&page_size=2');
    assert.equal(g1.status, 200);
    const text1 = await g1.text();
    assert.equal((text1.match(/^--- memory:\/\/graph\/node-/gm) ?? []).length, 2);
    const g2 = await t.request('GET', '/main/resource/graph/node-*?page=2&page_size=2');
    assert.equal(((await g2.text()).match(/^--- memory:\/\//gm) ?? []).length, 1);
    const none = await t.json('GET', '/main/resource/nothing-*');
    assert.equal(none.status, 404);
    assert.match(none.body.detail, /Resource not found/);
  });
});

describe('bad input and concurrency', () => {
  test('a 30 MB note: readable, editable (append lands, nothing lost); a 30 MB request body is refused with 413 {detail}', async () => {
    const big = 'lorem ipsum dolor sit amet\n'.repeat(Math.ceil(30 * 1024 * 1024 / 27));
    fs.writeFileSync(file('Huge.md'), `---\ntitle: Huge\n---\n${big}`);
    const sync = await t.json('POST', '/main/project/sync?run_in_background=false');
    assert.equal(sync.status, 200);
    const r = await t.request('PATCH', '/main/knowledge/entities/huge', { operation: 'append', content: 'THE END' });
    assert.equal(r.status, 200, await r.clone().text());
    const after1 = fs.readFileSync(file('Huge.md'), 'utf8');
    assert.equal(after1.length, `---\ntitle: Huge\n---\n${big}`.length + 'THE END'.length);
    assert.ok(after1.endsWith('sit amet\nTHE END'));
    const res = await t.request('GET', '/main/resource/Huge.md');
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(after1));
    await res.arrayBuffer();
    // A 30 MB JSON body is over the JSON routes' 25 MB limit: refused from the announced size, before any byte is read
    // (headers only: the client would otherwise race the server's close with its upload).
    const tooBig = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const p = '/main/knowledge/entities/huge';
      const req = http.request({ host: '127.0.0.1', port: t.port, method: 'PUT', path: p, headers: {
        ...signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'PUT', pathAndQuery: p }),
        'content-type': 'application/json', 'content-length': String(30 * 1024 * 1024) } }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }); req.destroy(); });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(tooBig.status, 413);
    assert.ok(tooBig.body.detail);
    assert.equal(fs.readFileSync(file('Huge.md'), 'utf8'), after1);
  });

  test('20 concurrent appends to one note all land (one writer, atomic replace)', async () => {
    await t.json('POST', '/main/knowledge/entities', { title: 'Busy', folder: 'busy', content: 'start\n' });
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => t.request('PATCH', '/main/knowledge/entities/busy/busy', { operation: 'append', content: `line-${i}\n` })));
    assert.ok(rs.every((r) => r.status === 200));
    const text = fs.readFileSync(file('busy/Busy.md'), 'utf8');
    for (let i = 0; i < 20; i++) assert.ok(text.includes(`line-${i}\n`), `line-${i}`);
    assert.equal(fs.readdirSync(file('busy')).filter((n) => n.endsWith('.tmp')).length, 0, 'no temp files left behind');
  });

  test('identifiers and folders that leave the project are refused', async () => {
    for (const [m, p, b] of [
      ['PATCH', '/main/knowledge/entities/..%2F..%2Fetc%2Fpasswd', { operation: 'append', content: 'x' }],
      ['GET', '/main/knowledge/entities/%252e%252e/secret', undefined],
      ['PUT', '/main/knowledge/entities/evil', { title: 'evil', folder: '/../../tmp', content: 'x' }],
      ['GET', '/main/memory/..%2F..%2Fsecret', undefined],
    ] as const) {
      const r = await t.json(m, p, b);
      assert.equal(r.status, 400, `${m} ${p}: ${JSON.stringify(r.body)}`);
      assert.ok(r.body.detail);
    }
  });
});

describe('raw save with a version check', () => {
  test('PUT /resource/{path} with If-Match: replaced when the checksum is current, 412 and untouched when the file changed', async () => {
    const rel = 'raw/Source.md';
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), '---\ntitle: Source\nstatus: draft\n---\nv1\n');
    assert.equal((await t.json('POST', '/main/project/sync?run_in_background=false')).status, 200);
    const read = sha(fs.readFileSync(file(rel)));
    const ok = await t.request('PUT', `/main/resource/${rel}`, '---\ntitle: Source\n---\nv2 (status removed in the editor)\n', { 'if-match': `"${read}"` });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(fs.readFileSync(file(rel), 'utf8'), '---\ntitle: Source\n---\nv2 (status removed in the editor)\n');
    const stale = await t.request('PUT', `/main/resource/${rel}`, 'v3 from a stale editor\n', { 'if-match': `"${read}"` });
    assert.equal(stale.status, 412);
    assert.match((await stale.json()).detail, /changed since it was read/);
    assert.match(fs.readFileSync(file(rel), 'utf8'), /v2/);
    assert.deepEqual(fs.readdirSync(path.dirname(file(rel))).filter((n) => n.startsWith('.')), [], 'the staged upload was removed');
  });
});
