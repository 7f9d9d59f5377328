// The v2 routes of upstream v0.22.1 beyond notes by id: knowledge graph and orphans, one-file indexing (sync-file,
// HEAD's index-file), folder moves and deletes (deletes go to the trash), and resources created / replaced by body.
// Upstream request and response shapes, `{"detail": …}` errors. Real tenant process on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, v2Base, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-v2-graph-');
const dataDir = path.join(tmp, 'data');
const main = path.join(dataDir, 'main');
let t: Tenant;
let base: string;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(main, rel)), { recursive: true });
  fs.writeFileSync(path.join(main, rel), text);
};
const resolve = async (identifier: string) => (await t.json('POST', `${base}/knowledge/resolve`, { identifier, strict: true }));

before(async () => {
  write('graph/Hub.md', '---\ntitle: Hub\ntype: hub\n---\n- links_to [[Spoke]]\n- mentions [[Nowhere]]\n');
  write('graph/Spoke.md', '---\ntitle: Spoke\n---\nspoke body\n');
  write('graph/Dangling.md', '---\ntitle: Dangling\n---\n- wants [[Missing Note]]\n');
  write('graph/Lonely.md', '---\ntitle: Lonely\n---\nno links at all\n');
  write('docs/One.md', '---\ntitle: One\n---\none\n');
  write('docs/sub/Two.md', '---\ntitle: Two\n---\ntwo\n');
  write('docs/pic.png', 'not really a png');
  write('archive/docs/sub/Two.md', '---\ntitle: Two old\n---\nin the way\n');
  write('trashme/A.md', '---\ntitle: A\n---\na\n');
  write('trashme/deep/B.md', '---\ntitle: B\n---\nb\n');
  write('.gitignore', 'ignored/\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  base = await v2Base(t);
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('knowledge graph and orphans', () => {
  test('GET /knowledge/graph: every note a node (external ids the entity routes accept), resolved relations as edges', async () => {
    const g = await t.json('GET', `${base}/knowledge/graph`);
    assert.equal(g.status, 200);
    assert.deepEqual(Object.keys(g.body).sort(), ['edges', 'nodes']);
    const hub = g.body.nodes.find((n: any) => n.title === 'Hub');
    const spoke = g.body.nodes.find((n: any) => n.title === 'Spoke');
    assert.deepEqual(Object.keys(hub).sort(), ['external_id', 'file_path', 'note_type', 'title']);
    assert.equal(hub.note_type, 'hub');
    assert.equal(hub.file_path, 'graph/Hub.md');
    assert.match(hub.external_id, UUID);
    assert.ok(g.body.nodes.some((n: any) => n.file_path === 'docs/pic.png'), 'files are nodes too (upstream: every entity)');
    const byId = await t.json('GET', `${base}/knowledge/entities/${hub.external_id}`);
    assert.equal(byId.body.title, 'Hub');
    // only the resolved relation: [[Nowhere]] and [[Missing Note]] have no target
    assert.deepEqual(g.body.edges, [{ from_id: hub.external_id, to_id: spoke.external_id, relation_type: 'links_to' }]);
  });

  test('GET /knowledge/orphans: no relation either way (an unresolved outgoing link is a relation)', async () => {
    const o = await t.json('GET', `${base}/knowledge/orphans`);
    assert.equal(o.status, 200);
    const titles = o.body.entities.map((e: any) => e.title);
    assert.ok(titles.includes('Lonely'));
    for (const linked of ['Hub', 'Spoke', 'Dangling']) assert.ok(!titles.includes(linked), linked);
    assert.equal(o.body.total, o.body.entities.length);
    assert.deepEqual(Object.keys(o.body.entities[0]).sort(), ['external_id', 'file_path', 'note_type', 'title']);
  });
});

describe('links/resolve (HEAD)', () => {
  test('a wikilink from this project: the note and how it was found; 404 {detail}; strict never guesses', async () => {
    const r = await t.json('POST', `${base}/knowledge/links/resolve`, { identifier: 'Spoke' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['entity_id', 'external_id', 'file_path', 'permalink', 'resolution_method', 'target_project_external_id', 'title']);
    assert.equal(r.body.resolution_method, 'title');
    assert.equal(r.body.file_path, 'graph/Spoke.md');
    assert.equal(r.body.target_project_external_id, base.split('/').pop());
    assert.equal((await t.json('POST', `${base}/knowledge/links/resolve`, { identifier: 'graph/spoke' })).body.resolution_method, 'permalink');
    assert.equal((await t.json('POST', `${base}/knowledge/links/resolve`, { identifier: 'spoke body' })).body.resolution_method, 'search');
    const strict = await t.json('POST', `${base}/knowledge/links/resolve`, { identifier: 'spoke body', strict: true });
    assert.equal(strict.status, 404);
    assert.equal(strict.body.detail, "Link target not found: 'spoke body'");
  });

  test("HEAD's inspect tools are not served (no vector index here): 404 {detail}", async () => {
    for (const tail of ['inspect/query', 'inspect/chunks']) {
      const r = await t.json('POST', `${base}/${tail}`, { identifier: 'Spoke', query: { text: 'x' } });
      assert.equal(r.status, 404, tail);
      assert.deepEqual(r.body, { detail: 'Not Found' });
    }
  });
});

describe('sync-file / index-file', () => {
  test('a file written straight to disk is indexed at once and resolvable; HEAD index-file answers the same', async () => {
    write('inbox/Fresh Note.md', '---\ntitle: Fresh Note\n---\n- [fact] fresh #new\n- relates_to [[Spoke]]\n');
    assert.equal((await resolve('inbox/Fresh Note.md')).status, 404, 'not indexed: no sync ran (schedule off)');
    const r = await t.json('POST', `${base}/knowledge/sync-file`, { file_path: 'inbox/Fresh Note.md' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.api_version, 'v2');
    assert.equal(r.body.title, 'Fresh Note');
    assert.equal(r.body.file_path, 'inbox/Fresh Note.md');
    assert.match(r.body.external_id, UUID);
    assert.equal(r.body.observations.length, 1);
    assert.equal(r.body.relations[0].to_id, 'graph/spoke', 'its relation is resolved too');
    assert.equal((await resolve('inbox/Fresh Note.md')).body.external_id, r.body.external_id);
    // edited on disk again: index-file (HEAD's name) updates the same note
    write('inbox/Fresh Note.md', '---\ntitle: Fresh Note\n---\nrewritten\n');
    const again = await t.json('POST', `${base}/knowledge/index-file`, { file_path: 'inbox/Fresh Note.md' });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, r.body.id);
    assert.equal(again.body.observations.length, 0);
  });

  test('the casing on disk wins (no second copy); refusals: missing 404, not markdown, not normalized, outside 400, hidden and ignored 403', async () => {
    write('inbox/Case.md', '---\ntitle: Case\n---\nc\n');
    const r = await t.json('POST', `${base}/knowledge/sync-file`, { file_path: 'INBOX/case.md' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.file_path, 'inbox/Case.md');
    const cases: [unknown, number, RegExp][] = [
      [{ file_path: 'inbox/nope.md' }, 404, /^File not found on disk: 'inbox\/nope.md'$/],
      [{ file_path: 'docs/pic.png' }, 400, /^Only markdown files can be indexed/],
      [{ file_path: 'inbox//Case.md' }, 400, /not normalized/],
      [{ file_path: './inbox/Case.md' }, 400, /not normalized/],
      [{ file_path: '.obsidian/x.md' }, 403, /^Hidden or ignored path/],
      [{ file_path: 'ignored/x.md' }, 403, /^Hidden or ignored path/],
      [{ file_path: '../research/x.md' }, 400, /^Invalid path: it must stay inside the project$/],
      [{ file_path: '/etc/passwd' }, 400, /^Invalid path/],
    ];
    write('ignored/x.md', '# x\n');
    fs.mkdirSync(path.join(main, '.obsidian'), { recursive: true });
    fs.writeFileSync(path.join(main, '.obsidian', 'x.md'), '# x\n');
    for (const [body, status, detail] of cases) {
      const res = await t.json('POST', `${base}/knowledge/sync-file`, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.body.detail, detail, JSON.stringify(body));
    }
    const bad = await t.json('POST', `${base}/knowledge/sync-file`, {});
    assert.equal(bad.status, 422);
    assert.ok(Array.isArray(bad.body.detail));
  });
});

describe('move-directory and delete-directory', () => {
  test('move-directory moves every indexed file below, keeps ids, reports a file in the way and goes on', async () => {
    const oneBefore = (await resolve('docs/One.md')).body.external_id;
    const r = await t.json('POST', `${base}/knowledge/move-directory`, { source_directory: '/docs/', destination_directory: 'archive/docs' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['errors', 'failed_moves', 'moved_files', 'successful_moves', 'total_files']);
    assert.equal(r.body.total_files, 3);
    assert.equal(r.body.successful_moves, 2);
    assert.equal(r.body.failed_moves, 1);
    assert.deepEqual(r.body.moved_files.sort(), ['archive/docs/One.md', 'archive/docs/pic.png']);
    assert.equal(r.body.errors[0].path, 'docs/sub/Two.md');
    assert.match(r.body.errors[0].error, /already exists/);
    assert.ok(fs.existsSync(path.join(main, 'archive/docs/One.md')) && !fs.existsSync(path.join(main, 'docs/One.md')));
    assert.equal(fs.readFileSync(path.join(main, 'archive/docs/sub/Two.md'), 'utf8'), '---\ntitle: Two old\n---\nin the way\n', 'never overwritten');
    assert.ok(fs.existsSync(path.join(main, 'docs/sub/Two.md')));
    const moved = await t.json('GET', `${base}/knowledge/entities/${oneBefore}`);
    assert.equal(moved.status, 200);
    assert.equal(moved.body.file_path, 'archive/docs/One.md');
  });

  test('move-directory refusals: the root, into itself, hidden (403) or outside (400) destinations, {detail}; nothing moved', async () => {
    const cases: [unknown, RegExp][] = [
      [{ source_directory: '/', destination_directory: 'x' }, /project root/],
      [{ source_directory: 'graph', destination_directory: 'graph/inner' }, /into itself/],
      [{ source_directory: 'graph', destination_directory: '.hidden' }, /^Hidden or ignored path/],
      [{ source_directory: 'graph', destination_directory: '../research' }, /^Invalid path/],
    ];
    for (const [body, detail] of cases) {
      const r = await t.json('POST', `${base}/knowledge/move-directory`, body);
      assert.equal(r.status, /Hidden/.test(String(detail)) ? 403 : 400, JSON.stringify(body));
      assert.match(r.body.detail, detail, JSON.stringify(body));
    }
    // ignored by the project's .gitignore: each file refused, reported, left in place
    const ign = await t.json('POST', `${base}/knowledge/move-directory`, { source_directory: 'graph', destination_directory: 'ignored/graph' });
    assert.equal(ign.status, 200);
    assert.equal(ign.body.successful_moves, 0);
    assert.equal(ign.body.failed_moves, 4);
    assert.match(ign.body.errors[0].error, /^Hidden or ignored path/);
    assert.ok(fs.existsSync(path.join(main, 'graph/Hub.md')));
    const empty = await t.json('POST', `${base}/knowledge/move-directory`, { source_directory: 'no-such', destination_directory: 'x' });
    assert.deepEqual(empty.body, { total_files: 0, successful_moves: 0, failed_moves: 0, moved_files: [], errors: [] });
  });

  test('delete-directory moves every indexed file below to the trash (restorable) and unindexes it', async () => {
    const r = await t.json('POST', `${base}/knowledge/delete-directory`, { directory: 'trashme' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { total_files: 2, successful_deletes: 2, failed_deletes: 0, deleted_files: ['trashme/A.md', 'trashme/deep/B.md'],
      errors: [], file_delete_status: 'complete' });
    assert.ok(!fs.existsSync(path.join(main, 'trashme/A.md')) && !fs.existsSync(path.join(main, 'trashme/deep/B.md')));
    assert.equal((await resolve('trashme/A.md')).status, 404);
    const trash = await t.json('GET', '/trash');
    const item = trash.body.items.find((i: any) => i.path === 'trashme/deep/B.md');
    assert.ok(item, JSON.stringify(trash.body));
    assert.equal(item.project, 'main');
    const restored = await t.json('POST', `/trash/${item.id}/restore`);
    assert.equal(restored.status, 200);
    assert.equal(fs.readFileSync(path.join(main, 'trashme/deep/B.md'), 'utf8'), '---\ntitle: B\n---\nb\n');
    for (const [body, status] of [[{ directory: '../research' }, 400], [{ directory: '.git' }, 403], [{}, 422]] as const) {
      const bad = await t.json('POST', `${base}/knowledge/delete-directory`, body);
      assert.equal(bad.status, status, JSON.stringify(body));
      assert.ok(bad.body.detail);
    }
  });
});

describe('POST /resource and PUT /resource/{entity_id}', () => {
  test('POST creates the file and indexes it (ResourceResponse); 409 over an indexed or unindexed file; refusals 400/422', async () => {
    const r = await t.json('POST', `${base}/resource`, { file_path: 'boards/plan.canvas', content: '{"nodes":[]}' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['entity_id', 'external_id', 'file_path', 'checksum', 'size', 'created_at', 'modified_at']);
    assert.equal(r.body.file_path, 'boards/plan.canvas');
    assert.equal(r.body.size, 12);
    assert.match(r.body.external_id, UUID);
    assert.equal(typeof r.body.modified_at, 'number');
    assert.equal(fs.readFileSync(path.join(main, 'boards/plan.canvas'), 'utf8'), '{"nodes":[]}');
    const got = await t.request('GET', `${base}/resource/${r.body.external_id}`);
    assert.equal(await got.text(), '{"nodes":[]}');
    const md = await t.json('POST', `${base}/resource`, { file_path: 'boards/Board Note.md', content: '---\ntitle: Board Note\n---\n- [fact] on a board\n' });
    assert.equal(md.status, 200);
    assert.equal((await t.json('GET', `${base}/knowledge/entities/${md.body.external_id}`)).body.observations.length, 1, 'markdown is parsed');

    const dup = await t.json('POST', `${base}/resource`, { file_path: 'boards/plan.canvas', content: 'x' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.detail, `Resource already exists at boards/plan.canvas with entity_id ${r.body.external_id}. Use PUT /resource/${r.body.external_id} to update it.`);
    write('boards/unindexed.txt', 'keep me');
    const onDisk = await t.json('POST', `${base}/resource`, { file_path: 'boards/unindexed.txt', content: 'x' });
    assert.equal(onDisk.status, 409);
    assert.equal(fs.readFileSync(path.join(main, 'boards/unindexed.txt'), 'utf8'), 'keep me');
    for (const [body, status] of [[{ file_path: '../research/x.md', content: 'x' }, 400], [{ file_path: '.obsidian/y.json', content: 'x' }, 403],
      [{ file_path: 'ignored/y.md', content: 'x' }, 400], [{ file_path: 'a/CON.md', content: 'x' }, 400], [{ file_path: 'a.md' }, 422]] as const) {
      const bad = await t.json('POST', `${base}/resource`, body);
      assert.equal(bad.status, status, JSON.stringify(body));
      assert.ok(bad.body.detail, JSON.stringify(bad.body));
    }
    assert.ok(!fs.existsSync(path.join(main, 'ignored/y.md')) && !fs.existsSync(path.join(main, 'a')));
  });

  test('PUT replaces the content, moves with file_path, and answers 412 to a stale If-Match (file untouched)', async () => {
    const created = await t.json('POST', `${base}/resource`, { file_path: 'res/data.json', content: '{"v":1}' });
    const id = created.body.external_id;
    const put = await t.json('PUT', `${base}/resource/${id}`, { content: '{"v":2}' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.file_path, 'res/data.json');
    assert.equal(fs.readFileSync(path.join(main, 'res/data.json'), 'utf8'), '{"v":2}');
    const stale = await t.request('PUT', `${base}/resource/${put.body.external_id}`, { content: '{"v":3}' }, { 'if-match': `"${created.body.checksum}"` });
    assert.equal(stale.status, 412);
    assert.ok((await stale.json()).detail);
    assert.equal(fs.readFileSync(path.join(main, 'res/data.json'), 'utf8'), '{"v":2}');
    const moved = await t.json('PUT', `${base}/resource/${put.body.external_id}`, { content: '{"v":4}', file_path: 'res/moved/data.json' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.file_path, 'res/moved/data.json');
    assert.ok(!fs.existsSync(path.join(main, 'res/data.json')));
    assert.equal(fs.readFileSync(path.join(main, 'res/moved/data.json'), 'utf8'), '{"v":4}');
    const nf = await t.json('PUT', `${base}/resource/00000000-0000-8000-8000-000000000000`, { content: 'x' });
    assert.equal(nf.status, 404);
  });
});
