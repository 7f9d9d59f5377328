// Notes/search routes and path confinement over HTTP, against a real tenant process.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rawRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-notes-');
let t: Tenant;
const outside = path.join(tmp, 'outside');

function snapshot(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      h.update(`${path.relative(dir, p)}|${st.size}|${st.mtimeMs}|${e.isSymbolicLink() ? fs.readlinkSync(p) : ''}\n`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return h.digest('hex');
}

before(async () => {
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'main', 'docs'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.md'), '# secret outside\n');
  fs.writeFileSync(path.join(dataDir, 'main', 'docs', 'Existing Note.md'), '---\ntitle: Existing Note\n---\n# Existing\n\nquokka habitat\n');
  fs.writeFileSync(path.join(dataDir, 'main', 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  fs.writeFileSync(path.join(dataDir, 'main', 'empty.txt'), '');
  fs.writeFileSync(path.join(dataDir, 'main', 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
  fs.symlinkSync('/etc', path.join(dataDir, 'main', 'etc-link'));
  fs.symlinkSync(outside, path.join(dataDir, 'main', 'outside-link'));
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('notes and search', () => {
  test('write a note (upstream EntityResponse), then search finds it (GET and POST /search/)', async () => {
    const w = await t.json('POST', '/main/knowledge/entities', { title: 'Wombat Facts', folder: 'animals', content: '# Wombat Facts\n\n- [fact] wombats eat grass #diet\n', entity_type: 'note' });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    for (const k of ['id', 'permalink', 'title', 'file_path', 'entity_type', 'entity_metadata', 'checksum', 'content_type', 'observations', 'relations', 'created_at', 'updated_at']) assert.ok(k in w.body, k);
    assert.equal(w.body.file_path, 'animals/Wombat Facts.md');
    assert.ok(fs.existsSync(path.join(t.dataDir, 'main', 'animals', 'Wombat Facts.md')));
    const dup = await t.json('POST', '/main/knowledge/entities', { title: 'Wombat Facts', folder: 'animals', content: 'x' });
    assert.equal(dup.status, 409);
    const g = await t.json('GET', '/main/search?q=wombats&page=1&page_size=5');
    assert.equal(g.status, 200);
    assert.deepEqual(Object.keys(g.body).sort(), ['current_page', 'has_more', 'page_size', 'results', 'total']);
    assert.equal(g.body.results[0].file_path, 'animals/Wombat Facts.md');
    const p = await t.json('POST', '/main/search/', { text: 'quokka' });
    assert.equal(p.status, 200);
    assert.equal(p.body.results[0].file_path, 'docs/Existing Note.md');
    assert.equal((await t.json('GET', '/main/search?q=x&page_size=1000')).status, 422);
  });

  test('GET /{project}/resource/{path} streams the raw file with type and length', async () => {
    const res = await t.request('GET', '/main/resource/docs/Existing%20Note.md');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /markdown/);
    const body = await res.text();
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(body));
    assert.match(body, /quokka habitat/);
    const png = await t.request('GET', '/main/resource/image.png');
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), fs.readFileSync(path.join(t.dataDir, 'main', 'image.png')));
    assert.equal((await t.json('GET', '/main/resource/docs/missing.md')).status, 404);
    const empty = await t.request('GET', '/main/resource/empty.txt');
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('content-length'), '0');
    assert.equal(await empty.text(), '');
    const big = await t.request('GET', '/main/resource/big.bin');
    assert.equal(big.headers.get('content-length'), String(3 * 1024 * 1024));
    assert.equal((await big.arrayBuffer()).byteLength, 3 * 1024 * 1024);
  });

  test('directory list, move, delete', async () => {
    const ls = await t.json('GET', '/main/directory/list?dir_name=/&depth=1');
    assert.equal(ls.status, 200);
    assert.ok(Array.isArray(ls.body));
    assert.ok(ls.body.some((n: { name: string; type: string }) => n.name === 'docs' && n.type === 'directory'));
    const mv = await t.json('POST', '/main/knowledge/move', { identifier: 'animals/Wombat Facts.md', destination_path: 'zoo/wombats.md' });
    assert.equal(mv.status, 200, JSON.stringify(mv.body));
    assert.equal(mv.body.file_path, 'zoo/wombats.md');
    assert.ok(fs.existsSync(path.join(t.dataDir, 'main', 'zoo', 'wombats.md')));
    const del = await t.json('DELETE', '/main/knowledge/entities/zoo/wombats.md');
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { deleted: true });
    assert.ok(!fs.existsSync(path.join(t.dataDir, 'main', 'zoo', 'wombats.md')));
  });
});

describe('path confinement over HTTP: 400 and nothing touched', () => {
  const cases: [string, string, unknown?][] = [
    ['GET', '/main/resource/../../../etc/passwd'],
    ['GET', '/main/resource/%2e%2e/%2e%2e/outside/secret.md'],
    ['GET', '/main/resource/%2E%2e/data/main/docs/Existing%20Note.md'],
    ['GET', '/main/resource/%252e%252e/%252e%252e/outside/secret.md'],
    ['GET', '/main/resource/..%5c..%5coutside%5csecret.md'],
    ['GET', '/main/resource/docs\\..\\..\\x'],
    ['GET', '/main/resource//etc/passwd'],
    ['GET', '/main/resource/%2fetc%2fpasswd'],
    ['GET', '/main/resource/docs/Existing%20Note.md%00.png'],
    ['GET', '/main/resource/etc-link/passwd'],
    ['GET', '/main/resource/outside-link/secret.md'],
    ['GET', '/main/directory/list?dir_name=..%2F..&depth=1'],
    ['GET', '/main/directory/list?dir_name=%252e%252e&depth=1'],
    ['GET', '/main/directory/list?dir_name=/etc-link&depth=1'],
    ['POST', '/main/knowledge/entities', { title: 'evil', folder: '../../outside', content: 'x' }],
    ['POST', '/main/knowledge/entities', { title: 'evil', folder: '/tmp', content: 'x' }],
    ['POST', '/main/knowledge/entities', { title: '../../evil', folder: 'docs', content: 'x' }],
    ['POST', '/main/knowledge/entities', { title: 'evil', folder: 'outside-link', content: 'x' }],
    ['POST', '/main/knowledge/entities', { title: 'evil', folder: 'docs%2f..%2f..%2f..', content: 'x' }],
    ['POST', '/main/knowledge/entities', { title: 'evil\u0000.md', folder: 'docs', content: 'x' }],
    ['POST', '/main/knowledge/entities', { title: 'evil', folder: 'a\\..\\..', content: 'x' }],
    ['POST', '/main/knowledge/move', { identifier: 'docs/Existing Note.md', destination_path: '../../outside/moved.md' }],
    ['POST', '/main/knowledge/move', { identifier: 'docs/Existing Note.md', destination_path: '/tmp/moved.md' }],
    ['POST', '/main/knowledge/move', { identifier: 'docs/Existing Note.md', destination_path: 'outside-link/moved.md' }],
    ['POST', '/main/knowledge/move', { identifier: '../outside/secret.md', destination_path: 'stolen.md' }],
    ['DELETE', '/main/knowledge/entities/..%2F..%2Foutside%2Fsecret.md'],
    ['DELETE', '/main/knowledge/entities/%252e%252e/%252e%252e/outside/secret.md'],
    ['DELETE', '/main/knowledge/entities/outside-link/secret.md'],
  ];
  for (const [method, p, body] of cases) {
    test(`${method} ${p}${body ? ' ' + JSON.stringify(body) : ''}`, async () => {
      const before = [snapshot(t.dataDir), snapshot(outside)];
      const r = await rawRequest(t, method, p, { body });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(typeof r.body.detail, 'string');
      assert.deepEqual([snapshot(t.dataDir), snapshot(outside)], before, 'nothing touched');
    });
  }
});
