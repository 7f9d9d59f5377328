// Per-write note history through a real tenant process: every write through the API or WebDAV that replaces,
// moves or deletes a note keeps the previous content as a version (reason + who), listed newest first; "restore
// this version" is itself an atomic write that keeps a version; the store's bounds (count, age, bytes, file size).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { NoteHistory } from '../../src/history/note-history.ts';
import { actorFromHeader } from '../../src/history/write-context.ts';
import { davRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-history-');
const dataDir = path.join(tmp, 'data');
const historyDir = path.join(tmp, 'history');
const main = path.join(dataDir, 'main');
let t: Tenant;

async function putBytes(rel: string, text: string, actor?: string): Promise<number> {
  const pq = `/main/resource/${rel.split('/').map(encodeURIComponent).join('/')}`;
  const r = await fetch(`http://127.0.0.1:${t.port}${pq}`, { method: 'PUT', body: text,
    headers: { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'PUT', pathAndQuery: pq }), 'content-type': 'text/markdown', ...(actor ? { 'x-bm-actor': encodeURIComponent(actor) } : {}) } });
  await r.arrayBuffer();
  return r.status;
}
const versions = async (key: string) => (await t.json('GET', `/history?path=${encodeURIComponent(key)}`)).body.versions as
  { id: string; reason: string; actor: string; size: number; moved_to: string | null }[];
const versionText = async (key: string, id: string) => {
  const r = await t.request('GET', `/history/file?path=${encodeURIComponent(key)}&version=${id}`);
  return { status: r.status, text: await r.text() };
};

before(async () => {
  fs.mkdirSync(path.join(main, 'notes'), { recursive: true });
  t = await startTenant({ dataDir, args: ['--history-dir', historyDir] });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('note history (real tenant)', () => {
  test('an overwrite keeps the previous content with the reason and who wrote; the history is outside the data dir', async () => {
    assert.equal(await putBytes('notes/Plan.md', '# Plan\n\nversion one\n', 'browser'), 201);
    assert.deepEqual(await versions('main/notes/Plan.md'), [], 'a new file replaces nothing');
    assert.equal(await putBytes('notes/Plan.md', '# Plan\n\nversion two\n', 'MCP: Claude Desktop'), 200);
    const v = await versions('main/notes/Plan.md');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.reason, 'overwrite');
    assert.equal(v[0]!.actor, 'MCP: Claude Desktop');
    assert.equal((await versionText('main/notes/Plan.md', v[0]!.id)).text, '# Plan\n\nversion one\n');
    assert.ok(fs.readdirSync(historyDir).length > 0, 'versions are in the history folder');
    assert.ok(!fs.readdirSync(dataDir, { recursive: true }).some((f) => String(f).endsWith('.bin')), 'nothing of the history is in the person\'s folder');
    // the same content again keeps nothing new
    assert.equal(await putBytes('notes/Plan.md', '# Plan\n\nversion two\n', 'CLI'), 200);
    assert.equal(await putBytes('notes/Plan.md', '# Plan\n\nversion two\n', 'CLI'), 200);
    assert.equal((await versions('main/notes/Plan.md')).length, 1);
  });

  test('an edit (PATCH), a WebDAV overwrite, a move and a delete each keep a version', async () => {
    const key = 'main/notes/Edit Me.md';
    assert.equal(await putBytes('notes/Edit Me.md', '---\ntitle: Edit Me\ntype: note\n---\n\nfirst words\n'), 201);
    const e = await t.json('PATCH', '/main/knowledge/entities/notes/edit-me', { operation: 'append', content: 'appended words' });
    assert.equal(e.status, 200, JSON.stringify(e.body));
    let v = await versions(key);
    assert.equal(v[0]!.reason, 'edit');
    assert.match((await versionText(key, v[0]!.id)).text, /first words\n$/);

    const dav = await davRequest(t, 'PUT', '/webdav/main/notes/Edit%20Me.md', { 'x-bm-actor': encodeURIComponent('WebDAV (rclone/v1.60.1)'), 'content-type': 'text/markdown' }, 'rclone wrote this\n');
    assert.ok(dav.status === 204 || dav.status === 200 || dav.status === 201, String(dav.status));
    v = await versions(key);
    assert.equal(v[0]!.actor, 'WebDAV (rclone/v1.60.1)');
    assert.match((await versionText(key, v[0]!.id)).text, /appended words/);

    const m = await t.json('POST', '/main/knowledge/move', { identifier: 'notes/Edit Me.md', destination_path: 'archive/Edit Me.md' });
    assert.equal(m.status, 200, JSON.stringify(m.body));
    v = await versions(key);
    assert.equal(v[0]!.reason, 'move');
    assert.equal(v[0]!.moved_to, 'main/archive/Edit Me.md');

    const d = await t.json('DELETE', '/main/knowledge/entities/archive/Edit%20Me.md');
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const gone = await versions('main/archive/Edit Me.md');
    assert.equal(gone[0]!.reason, 'delete');
    assert.equal((await versionText('main/archive/Edit Me.md', gone[0]!.id)).text, 'rclone wrote this\n');
  });

  test('restore this version: an atomic write that keeps what it replaces; a stale checksum refuses it', async () => {
    const key = 'main/notes/Plan.md';
    const [newest] = await versions(key);
    const oldest = (await versions(key)).at(-1)!;
    assert.equal((await versionText(key, oldest.id)).text, '# Plan\n\nversion one\n');
    const stale = await t.json('POST', '/history/restore', { path: key, version: oldest.id, expected_checksum: '0'.repeat(64) });
    assert.equal(stale.status, 412, JSON.stringify(stale.body));
    const r = await t.json('POST', '/history/restore', { path: key, version: oldest.id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(fs.readFileSync(path.join(main, 'notes', 'Plan.md'), 'utf8'), '# Plan\n\nversion one\n');
    const after = await versions(key);
    assert.equal(after[0]!.reason, 'restore');
    assert.notEqual(after[0]!.id, newest!.id);
    assert.equal((await versionText(key, after[0]!.id)).text, '# Plan\n\nversion two\n');
    // the index follows at once: it holds the restored version's checksum
    const sum = crypto.createHash('sha256').update('# Plan\n\nversion one\n').digest('hex');
    assert.equal(r.body.checksum, sum);
    const e = await t.json('GET', '/main/knowledge/entities/notes/plan');
    assert.equal(e.body.checksum, sum, JSON.stringify(e.body).slice(0, 300));
  });

  test('bad input: hidden or escaping paths 422, an unknown version 404', async () => {
    assert.equal((await t.json('GET', `/history?path=${encodeURIComponent('main/../etc/passwd')}`)).status, 422);
    assert.equal((await t.json('GET', `/history?path=${encodeURIComponent('main/.basic-memory/trash')}`)).status, 422);
    assert.equal((await t.request('GET', `/history/file?path=main%2Fnotes%2FPlan.md&version=000000000-00000000`)).status, 404);
    assert.equal((await t.json('POST', '/history/restore', { path: 'main/notes/Plan.md', version: 'nope' })).status, 422);
  });
});

describe('NoteHistory bounds', () => {
  const dir = tempDir('bm-history-unit-');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let now = Date.parse('2026-12-01T00:00:00Z');
  const h = new NoteHistory({ dir: path.join(dir, 'h'), dataDir: path.join(dir, 'd'), now: () => now,
    limits: { maxVersions: 3, maxAgeDays: 10, maxTotalBytes: 1000, maxFileBytes: 300 } });

  test('keeps the newest N per note, skips files over the size cap', () => {
    for (let i = 0; i < 5; i++) { now += 1000; h.keep('p/a.md', 'edit', { bytes: Buffer.from(`version ${i}`) }); }
    assert.deepEqual(h.list('p/a.md').map((v) => h.read('p/a.md', v.id)!.bytes.toString()), ['version 4', 'version 3', 'version 2']);
    assert.equal(h.keep('p/big.md', 'edit', { bytes: Buffer.alloc(301, 120) }), null);
    assert.deepEqual(h.list('p/big.md'), []);
  });

  test('versions older than the age bound go at the next prune; the total stays under its bound (oldest first)', () => {
    now += 11 * 86_400_000;
    h.keep('p/b.md', 'overwrite', { bytes: Buffer.alloc(200, 98) });
    assert.ok(h.prune() >= 3);
    assert.deepEqual(h.list('p/a.md'), []);
    for (let i = 0; i < 6; i++) { now += 1000; h.keep(`p/c${i}.md`, 'overwrite', { bytes: Buffer.alloc(250, 99) }); }
    assert.ok(h.totalBytes() <= 1000, String(h.totalBytes()));
    assert.equal(h.list('p/c5.md').length, 1, 'the newest version stays');
    assert.deepEqual(h.list('p/b.md'), [], 'the oldest went first');
  });

  test('a version whose content was cut short (a crash) is not listed', () => {
    now += 1000;
    const v = h.keep('p/d.md', 'edit', { bytes: Buffer.from('whole content') })!;
    const file = fs.readdirSync(path.join(dir, 'h'), { recursive: true }).map(String).find((f) => f.endsWith(`${v.id}.bin`))!;
    fs.writeFileSync(path.join(dir, 'h', file), 'whole');
    assert.deepEqual(h.list('p/d.md'), []);
  });

  test('actor header: decoded, control characters dropped, capped', () => {
    assert.equal(actorFromHeader(encodeURIComponent('MCP: Claude\u0007 Desktop')), 'MCP: Claude Desktop');
    assert.equal(actorFromHeader(undefined), 'API');
    assert.equal(actorFromHeader('%E0%A4%A'), '%E0%A4%A');
    assert.equal(actorFromHeader('x'.repeat(500)).length, 120);
  });
});
