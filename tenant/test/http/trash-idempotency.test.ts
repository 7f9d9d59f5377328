// Class 5 of the hardening: deletes can be undone, and retries are safe. Real tenant process on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseTenantArgs } from '../../src/config/args.ts';
import { Trash } from '../../src/notes/trash.ts';
import { rawRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-trash-');
const dataDir = path.join(tmp, 'data');
const main = path.join(dataDir, 'main');
let t: Tenant;

async function post(pathAndQuery: string, body: unknown, key?: string) {
  const res = await t.request('POST', pathAndQuery, body, key ? { 'idempotency-key': key } : {});
  const text = await res.text();
  let parsed: any = text;
  try { parsed = JSON.parse(text); } catch { /* text */ }
  return { status: res.status, body: parsed, replayed: res.headers.get('idempotency-replayed') === 'true' };
}

before(async () => {
  fs.mkdirSync(path.join(main, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(main, 'docs', 'Keep Me.md'), '---\ntitle: Keep Me\n---\n# Keep Me\n\nprecious words\n');
  fs.mkdirSync(path.join(dataDir, 'research'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'research', 'Paper.md'), '# Paper\n\nfindings\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('trash', () => {
  test('a deleted note goes to the trash, hidden from sync and the API, and comes back byte-identical and indexed', async () => {
    const original = fs.readFileSync(path.join(main, 'docs', 'Keep Me.md'));
    const del = await t.json('DELETE', '/main/knowledge/entities/docs/Keep Me.md'.replace(/ /g, '%20'));
    assert.deepEqual(del.body, { deleted: true });
    assert.equal(fs.existsSync(path.join(main, 'docs', 'Keep Me.md')), false);
    const list = await t.json('GET', '/trash');
    assert.equal(list.status, 200);
    assert.equal(list.body.retention_days, 30);
    const item = list.body.items.find((i: any) => i.path === 'docs/Keep Me.md');
    assert.ok(item, JSON.stringify(list.body));
    assert.equal(item.kind, 'note');
    assert.equal(item.project, 'main');
    assert.equal(item.title, 'Keep Me');
    assert.equal(item.size, original.length);
    assert.ok(Date.parse(item.expires_at) - Date.parse(item.deleted_at) === 30 * 86_400_000);
    // hidden: a sync does not bring it back, the API does not serve it
    const sync = await t.json('POST', '/main/project/sync?run_in_background=false');
    assert.equal(sync.body.new.length, 0, JSON.stringify(sync.body));
    assert.equal((await rawRequest(t, 'GET', `/main/resource/..%2f.basic-memory/trash/${item.id}/manifest.json`)).status, 400);
    assert.equal((await t.json('GET', '/main/search?q=precious')).body.results.length, 0);

    const r = await t.json('POST', `/trash/${item.id}/restore`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(fs.readFileSync(path.join(main, 'docs', 'Keep Me.md')).equals(original));
    assert.equal((await t.json('GET', '/main/search?q=precious')).body.results[0]?.file_path, 'docs/Keep Me.md');
    assert.ok(!(await t.json('GET', '/trash')).body.items.some((i: any) => i.id === item.id));
    assert.equal(fs.existsSync(path.join(dataDir, '.basic-memory', 'trash', item.id)), false);
  });

  test('a restore never overwrites: 409 naming the path, both files kept; purge deletes for good; unknown ids 404', async () => {
    const w = await t.json('POST', '/main/knowledge/entities', { title: 'Twice', folder: 'docs', content: 'first version\n' });
    assert.equal(w.status, 200);
    await t.json('DELETE', '/main/knowledge/entities/docs/Twice.md');
    const again = await t.json('POST', '/main/knowledge/entities', { title: 'Twice', folder: 'docs', content: 'second version\n' });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const item = (await t.json('GET', '/trash')).body.items.find((i: any) => i.path === 'docs/Twice.md');
    const r = await t.json('POST', `/trash/${item.id}/restore`);
    assert.equal(r.status, 409);
    assert.match(r.body.detail, /Cannot restore 'docs\/Twice\.md': something already exists/);
    assert.match(fs.readFileSync(path.join(main, 'docs', 'Twice.md'), 'utf8'), /second version/);
    assert.ok((await t.json('GET', '/trash')).body.items.some((i: any) => i.id === item.id), 'the trashed copy is kept');
    const p = await t.json('DELETE', `/trash/${item.id}`);
    assert.deepEqual(p.body, { purged: true, id: item.id });
    assert.equal(fs.existsSync(path.join(dataDir, '.basic-memory', 'trash', item.id)), false);
    assert.equal((await t.json('POST', `/trash/${item.id}/restore`)).status, 404);
    assert.equal((await t.json('DELETE', `/trash/${item.id}`)).status, 404);
    for (const bad of ['nope', '..%2f..%2fetc', '00000000000-zzzzzzzzzzzz']) assert.equal((await rawRequest(t, 'POST', `/trash/${bad}/restore`)).status, 404, bad);
  });

  test('an uploaded file and a whole project removed with its notes are restorable', async () => {
    const up = await rawRequest(t, 'PUT', '/main/resource/files/data.bin', { body: 'binary-ish' });
    assert.equal(up.status, 201);
    await t.json('DELETE', '/main/knowledge/entities/files/data.bin');
    const fileItem = (await t.json('GET', '/trash')).body.items.find((i: any) => i.path === 'files/data.bin');
    assert.equal(fileItem.kind, 'file');
    assert.equal((await t.json('POST', `/trash/${fileItem.id}/restore`)).status, 200);
    assert.equal(fs.readFileSync(path.join(main, 'files', 'data.bin'), 'utf8'), 'binary-ish');

    const rm = await t.json('DELETE', '/projects/research?delete_notes=true');
    assert.equal(rm.status, 200, JSON.stringify(rm.body));
    assert.equal(fs.existsSync(path.join(dataDir, 'research')), false);
    const projItem = (await t.json('GET', '/trash')).body.items.find((i: any) => i.kind === 'project');
    assert.equal(projItem.project, 'research');
    const r = await t.json('POST', `/trash/${projItem.id}/restore`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(fs.readFileSync(path.join(dataDir, 'research', 'Paper.md'), 'utf8'), '# Paper\n\nfindings\n');
    const projects = await t.json('GET', '/projects/projects');
    assert.ok(projects.body.projects.some((p: any) => p.name === 'research'), JSON.stringify(projects.body));
  });

  test('retention: entries expire after the configured days and are purged; the setting is validated', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const d = path.join(tmp, 'retention');
    fs.mkdirSync(path.join(d, 'p'), { recursive: true });
    fs.writeFileSync(path.join(d, 'p', 'a.md'), 'a');
    const trash = new Trash(d, { retentionDays: 2, now: () => now });
    const item = trash.put(path.join(d, 'p', 'a.md'), { kind: 'note', project: 'p', path: 'a.md' });
    now += 2 * 86_400_000 - 1;
    assert.equal(trash.list().length, 1);
    now += 1;
    assert.equal(trash.list().length, 0);
    assert.throws(() => trash.get(item.id), /not found/);
    assert.equal(fs.existsSync(path.join(d, '.basic-memory', 'trash', item.id)), false);
    assert.equal(parseTenantArgs([], {}).trashRetentionDays, 30);
    assert.equal(parseTenantArgs(['--trash-retention-days', '7'], {}).trashRetentionDays, 7);
    assert.equal(parseTenantArgs([], { BM_TRASH_RETENTION_DAYS: '90' }).trashRetentionDays, 90);
    assert.throws(() => parseTenantArgs(['--trash-retention-days', '0'], {}), /trash-retention-days must be >= 1/);
  });

  test('the Idempotency-Key window: default 24 h, --idempotency-window-seconds or BM_IDEMPOTENCY_WINDOW_SECONDS, validated', () => {
    assert.equal(parseTenantArgs([], {}).idempotencyWindowSeconds, 86_400);
    assert.equal(parseTenantArgs(['--idempotency-window-seconds', '600'], {}).idempotencyWindowSeconds, 600);
    assert.equal(parseTenantArgs([], { BM_IDEMPOTENCY_WINDOW_SECONDS: '3600' }).idempotencyWindowSeconds, 3600);
    assert.throws(() => parseTenantArgs(['--idempotency-window-seconds', '0'], {}), /idempotency-window-seconds must be >= 1/);
    assert.throws(() => parseTenantArgs(['--idempotency-window-seconds', 'day'], {}), /idempotency-window-seconds must be a whole number/);
  });
});

describe('Idempotency-Key', () => {
  test('a retried create returns the first result, never a 409; the key reused for another request is a 422', async () => {
    const body = { title: 'Once Only', folder: 'idem', content: 'x\n' };
    const first = await post('/main/knowledge/entities', body, 'key-create-1');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const retry = await post('/main/knowledge/entities', body, 'key-create-1');
    assert.equal(retry.status, 200);
    assert.equal(retry.replayed, true);
    assert.deepEqual(retry.body, first.body);
    assert.equal((await post('/main/knowledge/entities', body)).status, 409, 'without a key a second create still conflicts');
    const other = await post('/main/knowledge/entities', { ...body, title: 'Something Else' }, 'key-create-1');
    assert.equal(other.status, 422);
    assert.match(other.body.detail, /already used with a different request/);
    assert.deepEqual(fs.readdirSync(path.join(main, 'idem')), ['Once Only.md']);
  });

  test('20 rounds × 24 concurrent creates with one key: one effect, every answer the same success', async () => {
    for (let round = 0; round < 20; round++) {
      const body = { title: `Race ${round}`, folder: 'race', content: `round ${round}\n` };
      const answers = await Promise.all(Array.from({ length: 24 }, () => post('/main/knowledge/entities', body, `race-create-${round}`)));
      for (const a of answers) {
        assert.equal(a.status, 200, `round ${round}: ${a.status} ${JSON.stringify(a.body)}`);
        assert.deepEqual(a.body, answers[0]!.body);
      }
      assert.equal(answers.filter((a) => !a.replayed).length, 1, `round ${round}: more than one attempt ran`);
    }
    assert.equal(fs.readdirSync(path.join(main, 'race')).length, 20);
  });

  test('20 rounds × 24 concurrent moves with one key: moved once, every answer the same success (no 404 or 409)', async () => {
    for (let round = 0; round < 20; round++) {
      const w = await post('/main/knowledge/entities', { title: `Mover ${round}`, folder: 'from', content: 'm\n' });
      assert.equal(w.status, 200);
      const body = { identifier: `from/Mover ${round}.md`, destination_path: `to/Mover ${round}.md` };
      const answers = await Promise.all(Array.from({ length: 24 }, () => post('/main/knowledge/move', body, `race-move-${round}`)));
      for (const a of answers) {
        assert.equal(a.status, 200, `round ${round}: ${a.status} ${JSON.stringify(a.body)}`);
        assert.deepEqual(a.body, answers[0]!.body);
      }
      assert.equal(answers[0]!.body.file_path, `to/Mover ${round}.md`);
    }
    assert.equal(fs.readdirSync(path.join(main, 'to')).length, 20);
    assert.deepEqual(fs.readdirSync(path.join(main, 'from')), []);
  });

  test('a retry after a restart is still answered from the store', async () => {
    const body = { identifier: 'idem/Once Only.md', destination_path: 'idem/Moved Once.md' };
    const first = await post('/main/knowledge/move', body, 'move-across-restart');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    await t.stop();
    t = await startTenant({ dataDir, indexDir: t.indexDir, secret: t.secret, tenantId: t.tenantId });
    await t.waitHealthy();
    const retry = await post('/main/knowledge/move', body, 'move-across-restart');
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.replayed, true);
    assert.deepEqual(retry.body, first.body);
  });

  test('--idempotency-window-seconds takes effect: inside the window a retry replays, after it the request runs again', async () => {
    await t.stop();
    t = await startTenant({ dataDir, indexDir: t.indexDir, secret: t.secret, tenantId: t.tenantId, args: ['--idempotency-window-seconds', '2'] });
    await t.waitHealthy();
    const body = { title: 'Short Window', folder: 'idem', content: 'w\n' };
    const first = await post('/main/knowledge/entities', body, 'key-short-window');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const inside = await post('/main/knowledge/entities', body, 'key-short-window');
    assert.equal(inside.replayed, true, 'within the window: replayed');
    await new Promise((r) => setTimeout(r, 2200));
    const afterWindow = await post('/main/knowledge/entities', body, 'key-short-window');
    assert.equal(afterWindow.replayed, false, 'after the window: not replayed');
    assert.equal(afterWindow.status, 409, 'the create ran again and met the note it made the first time');
  });
});
