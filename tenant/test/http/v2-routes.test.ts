// Current upstream clients: project items carry id + external_id (0.16.3+), stable across restarts and index
// wipes; the v2 routes of v0.19–v0.22.1 (/v2/projects/…, resolve, content routes under /v2/projects/{id}/…) and
// HEAD's /index and /status shapes. Real tenant process on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-v2-');
const dataDir = path.join(tmp, 'data');
let t: Tenant;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

before(async () => {
  fs.mkdirSync(path.join(dataDir, 'main', 'docs'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'research'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'main', 'docs', 'Alpha.md'), '---\ntitle: Alpha\n---\n- [fact] alpha is first #greek\n- next [[Beta]]\n');
  fs.writeFileSync(path.join(dataDir, 'main', 'docs', 'Beta.md'), '---\ntitle: Beta\n---\nbeta body\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('project identities', () => {
  test('v1 and v2 project lists carry a stable integer id and a UUID external_id, kept across a restart with a wiped index', async () => {
    const v1 = await t.json('GET', '/projects/projects');
    assert.equal(v1.status, 200);
    for (const p of v1.body.projects) {
      assert.ok(Number.isInteger(p.id) && p.id > 0, JSON.stringify(p));
      assert.match(p.external_id, UUID);
    }
    const ids = new Set(v1.body.projects.map((p: any) => p.id));
    assert.equal(ids.size, v1.body.projects.length, 'ids are unique');
    for (const url of ['/v2/projects/', '/v2/projects']) {
      const v2 = await t.json('GET', url);
      assert.equal(v2.status, 200, url);
      assert.deepEqual(v2.body, v1.body);
    }
    const item = await t.json('GET', '/main/project/item');
    const main = v1.body.projects.find((p: any) => p.name === 'main');
    assert.equal(item.body.external_id, main.external_id);
    assert.ok(fs.existsSync(path.join(dataDir, '.basic-memory', 'project-ids.json')));
    // restart with the index wiped: the identities come back from the data dir
    await t.stop();
    fs.rmSync(t.indexDir, { recursive: true, force: true });
    t = await startTenant({ dataDir });
    await t.waitHealthy();
    const again = await t.json('GET', '/projects/projects');
    assert.deepEqual(again.body.projects.map((p: any) => [p.name, p.id, p.external_id]).sort(), v1.body.projects.map((p: any) => [p.name, p.id, p.external_id]).sort());
  });

  test('POST /v2/projects/resolve by name, permalink, external_id; 404 {detail}', async () => {
    const list = (await t.json('GET', '/projects/projects')).body.projects;
    const main = list.find((p: any) => p.name === 'main');
    for (const [identifier, method] of [['main', 'name'], [main.external_id, 'external_id'], ['Main', 'permalink']]) {
      const r = await t.json('POST', '/v2/projects/resolve', { identifier });
      assert.equal(r.status, 200, identifier);
      assert.deepEqual(Object.keys(r.body).sort(), ['external_id', 'is_active', 'is_default', 'name', 'path', 'permalink', 'project_id', 'resolution_method']);
      assert.equal(r.body.external_id, main.external_id);
      assert.equal(r.body.project_id, main.id);
      assert.equal(r.body.resolution_method, method);
    }
    const nf = await t.json('POST', '/v2/projects/resolve', { identifier: 'nope' });
    assert.equal(nf.status, 404);
    assert.equal(nf.body.detail, "Project not found: 'nope'");
  });
});

describe('v2 project and content routes', () => {
  let ext: string;
  before(async () => { ext = (await t.json('POST', '/v2/projects/resolve', { identifier: 'main' })).body.external_id; });

  test('item, info, sync, status (v0.22.1 and HEAD keys), index (HEAD)', async () => {
    const item = await t.json('GET', `/v2/projects/${ext}`);
    assert.equal(item.status, 200);
    assert.equal(item.body.name, 'main');
    const info = await t.json('GET', `/v2/projects/${ext}/info`);
    assert.equal(info.body.project_name, 'main');
    const sync = await t.json('POST', `/v2/projects/${ext}/sync?force_full=false&run_in_background=false`);
    assert.equal(sync.status, 200);
    assert.ok(Array.isArray(sync.body.new));
    const st = await t.json('POST', `/v2/projects/${ext}/status?force_full=true`);
    assert.equal(st.status, 200);
    for (const k of ['new', 'modified', 'deleted', 'moves', 'checksums', 'skipped_files', 'total', 'total_files', 'observed_files']) assert.ok(k in st.body, k);
    assert.equal(st.body.total_files, 2);
    assert.deepEqual(Object.keys(st.body.observed_files[0]).sort(), ['checksum', 'path', 'size']);
    const bg = await t.json('POST', `/v2/projects/${ext}/index`);
    assert.deepEqual(bg.body, { status: 'index_started', message: "Indexing initiated for project 'main'" });
    fs.writeFileSync(path.join(dataDir, 'main', 'docs', 'Gamma.md'), '# Gamma\n');
    const fg = await t.json('POST', `/v2/projects/${ext}/index?run_in_background=false`);
    assert.equal(fg.status, 200);
    assert.deepEqual(Object.keys(fg.body).sort(), ['deleted_files', 'enqueued_batches', 'enqueued_files', 'total_files']);
    assert.equal(fg.body.total_files, 3);
    const unknown = await t.json('GET', '/v2/projects/00000000-0000-4000-8000-000000000000/info');
    assert.equal(unknown.status, 404);
  });

  test('content routes under /v2/projects/{external_id}/ answer like v1: memory, directory, search', async () => {
    const mem = await t.json('GET', `/v2/projects/${ext}/memory/docs/alpha?depth=1`);
    assert.equal(mem.status, 200, JSON.stringify(mem.body));
    assert.equal(mem.body.results[0].primary_result.title, 'Alpha');
    const recent = await t.json('GET', `/v2/projects/${ext}/memory/recent?type=entity`);
    assert.ok(recent.body.results.length >= 2);
    const tree = await t.json('GET', `/v2/projects/${ext}/directory/tree`);
    assert.equal(tree.body.name, 'Root');
    const s = await t.json('POST', `/v2/projects/${ext}/search/`, { text: 'beta' });
    assert.equal(s.status, 200);
    assert.ok(s.body.results.some((r: any) => r.title === 'Beta'));
  });

  test('knowledge by entity external_id: resolve, get, create, put, patch, move, resource, delete', async () => {
    const res = await t.json('POST', `/v2/projects/${ext}/knowledge/resolve`, { identifier: 'docs/alpha' });
    assert.equal(res.status, 200);
    assert.match(res.body.external_id, UUID);
    assert.equal(res.body.resolution_method, 'permalink');
    assert.equal(res.body.project_external_id, ext);
    assert.equal(res.body.content, undefined, 'no content unless asked');
    // include_content: the resolution and the file's text in one call (read_note's single round trip)
    const withText = await t.json('POST', `/v2/projects/${ext}/knowledge/resolve`, { identifier: 'docs/alpha', include_content: true });
    assert.equal(withText.status, 200);
    assert.equal(withText.body.external_id, res.body.external_id);
    assert.equal(withText.body.content, fs.readFileSync(path.join(dataDir, 'main', res.body.file_path), 'utf8'));
    assert.match(withText.body.content, /alpha is first/);
    const id = res.body.external_id;
    const g = await t.json('GET', `/v2/projects/${ext}/knowledge/entities/${id}`);
    assert.equal(g.status, 200);
    assert.equal(g.body.api_version, 'v2');
    assert.equal(g.body.external_id, id);
    assert.equal(g.body.note_type, 'note');
    assert.equal(g.body.title, 'Alpha');
    const c = await t.json('POST', `/v2/projects/${ext}/knowledge/entities`, { title: 'Delta', folder: 'docs', content: 'delta body\n' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const did = c.body.external_id;
    const pt = await t.json('PATCH', `/v2/projects/${ext}/knowledge/entities/${did}`, { operation: 'append', content: 'more delta' });
    assert.equal(pt.status, 200);
    assert.match(fs.readFileSync(path.join(dataDir, 'main', 'docs', 'Delta.md'), 'utf8'), /more delta/);
    const put = await t.json('PUT', `/v2/projects/${ext}/knowledge/entities/${did}`, { title: 'Delta', folder: 'docs', content: 'replaced delta\n' });
    assert.equal(put.status, 200);
    assert.equal(put.body.external_id, did);
    const mv = await t.json('PUT', `/v2/projects/${ext}/knowledge/entities/${did}/move`, { destination_path: 'archive/Delta.md' });
    assert.equal(mv.status, 200, JSON.stringify(mv.body));
    assert.equal(mv.body.file_path, 'archive/Delta.md');
    assert.equal(mv.body.external_id, did, 'a move keeps the external id');
    const raw = await t.request('GET', `/v2/projects/${ext}/resource/${did}`);
    assert.equal(raw.status, 200);
    assert.match(await raw.text(), /replaced delta/);
    const del = await t.json('DELETE', `/v2/projects/${ext}/knowledge/entities/${did}`);
    assert.deepEqual(del.body, { deleted: true });
    assert.ok(!fs.existsSync(path.join(dataDir, 'main', 'archive', 'Delta.md')));
    const gone = await t.json('GET', `/v2/projects/${ext}/knowledge/entities/${did}`);
    assert.equal(gone.status, 404);
    assert.match(gone.body.detail, /not found/);
  });
});

describe('v2 project management by external_id', () => {
  test('POST /v2/projects/ creates (201), PUT …/default, PATCH (no-op), DELETE keeps the files; ids stay with the name', async () => {
    const c = await t.json('POST', '/v2/projects/', { name: 'Scratch Pad', path: 'scratch-pad', set_default: false });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const ext = c.body.new_project.external_id;
    assert.match(ext, UUID);
    const def = await t.json('PUT', `/v2/projects/${ext}/default`);
    assert.equal(def.status, 200);
    assert.equal(def.body.new_project.name, 'Scratch Pad');
    assert.equal(def.body.new_project.is_default, true);
    const back = await t.json('PUT', '/v2/projects/main/default');
    assert.equal(back.status, 200);
    const patch = await t.json('PATCH', `/v2/projects/${ext}`, { is_active: true });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    fs.writeFileSync(path.join(dataDir, 'scratch-pad', 'keep.md'), '# keep\n');
    const del = await t.json('DELETE', `/v2/projects/${ext}?delete_notes=false`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.old_project.external_id, ext);
    assert.ok(fs.existsSync(path.join(dataDir, 'scratch-pad', 'keep.md')));
    const again = await t.json('POST', '/projects/projects', { name: 'Scratch Pad', path: 'scratch-pad', set_default: false });
    assert.equal(again.body.new_project.external_id, ext, 'a re-added project gets its identity back');
  });
});
