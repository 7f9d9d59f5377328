// Snapshot faults with real restic and a real tenant process: a full disk during a snapshot (repository on a small
// tmpfs) and during a restore (data on a small tmpfs) → a clear 507, a repository that checks clean, no user file
// lost or changed; a restore past the storage quota is refused before anything is written; names with glob
// characters (`a[1].md`, `b*.md`) restore themselves and only themselves.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const root = process.getuid?.() === 0;

function resticCheck(repo: string, passwordFile: string, cache: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('restic', ['check'], { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_CACHE_DIR: cache }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

function setup(prefix: string) {
  const tmp = tempDir(prefix);
  const passwordFile = path.join(tmp, 'password');
  fs.writeFileSync(passwordFile, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  return { tmp, passwordFile };
}

const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
function treeSums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const abs = path.join(e.parentPath, e.name);
    if (e.isFile() && !abs.includes(`${path.sep}.basic-memory${path.sep}`)) out[path.relative(dir, abs)] = sha(abs);
  }
  return out;
}

describe('restore paths with glob characters', () => {
  const { tmp, passwordFile } = setup('bm-snapglob-');
  const dataDir = path.join(tmp, 'data');
  const dir = path.join(dataDir, 'main', 'glob');
  let t: Tenant;
  before(async () => {
    fs.mkdirSync(dir, { recursive: true });
    for (const n of ['a[1].md', 'a1.md', 'b*.md', 'bx.md', 'c?.md', 'cz.md']) fs.writeFileSync(path.join(dir, n), `# ${n}\n`);
    t = await startTenant({ dataDir, env: { BM_SNAPSHOT_REPOSITORY: path.join(tmp, 'repo'), BM_SNAPSHOT_PASSWORD_FILE: passwordFile } });
    await t.waitHealthy();
  });
  after(async () => { await t?.stop(); fs.rmSync(tmp, { recursive: true, force: true }); });

  test('a[1].md restores, and only it (restore and dump alike)', async () => {
    const s = await t.json('POST', '/snapshots', { kind: 'manual', allow_init: true });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    for (const n of fs.readdirSync(dir)) fs.rmSync(path.join(dir, n));
    const a = await t.json('POST', `/snapshots/${s.body.snapshot_id}/restore`, { path: 'main/glob/a[1].md' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body.restored, ['main/glob/a[1].md']);
    const b = await t.json('POST', `/snapshots/${s.body.snapshot_id}/restore`, { path: 'main/glob/b*.md', kind: 'file' });
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.deepEqual(b.body.restored, ['main/glob/b*.md']);
    const c = await t.json('POST', `/snapshots/${s.body.snapshot_id}/restore`, { path: 'main/glob/c?.md' });
    assert.deepEqual(c.body.restored, ['main/glob/c?.md']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a[1].md', 'b*.md', 'c?.md']);
    assert.equal(fs.readFileSync(path.join(dir, 'a[1].md'), 'utf8'), '# a[1].md\n');
    assert.equal(fs.readFileSync(path.join(dir, 'b*.md'), 'utf8'), '# b*.md\n');
    const missing = await t.json('POST', `/snapshots/${s.body.snapshot_id}/restore`, { path: 'main/glob/nope[2].md', kind: 'file' });
    assert.equal(missing.status, 404, JSON.stringify(missing.body));
    assert.ok(!fs.existsSync(path.join(dir, 'nope[2].md')));
  });
});

describe('a restore past the storage quota', () => {
  const { tmp, passwordFile } = setup('bm-snapquota-');
  const dataDir = path.join(tmp, 'data');
  let t: Tenant;
  before(async () => {
    fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
    t = await startTenant({ dataDir, args: ['--quota-mb', '1'], env: { BM_SNAPSHOT_REPOSITORY: path.join(tmp, 'repo'), BM_SNAPSHOT_PASSWORD_FILE: passwordFile } });
    await t.waitHealthy();
  });
  after(async () => { await t?.stop(); fs.rmSync(tmp, { recursive: true, force: true }); });

  test('is refused with 507 before any file changes; within the quota it restores', async () => {
    fs.writeFileSync(path.join(dataDir, 'main', 'old.bin'), crypto.randomBytes(600 * 1024));
    const s = await t.json('POST', '/snapshots', { kind: 'manual', allow_init: true });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    fs.rmSync(path.join(dataDir, 'main', 'old.bin'));
    fs.writeFileSync(path.join(dataDir, 'main', 'new.bin'), crypto.randomBytes(600 * 1024));
    await t.json('POST', '/main/project/sync?run_in_background=false', {}); // the quota counts what the index holds
    const before = treeSums(dataDir);
    const r = await t.json('POST', `/snapshots/${s.body.snapshot_id}/restore`, { path: 'main/old.bin', kind: 'file' });
    assert.equal(r.status, 507, JSON.stringify(r.body));
    assert.match(r.body.detail, /Storage quota exceeded.*Nothing was restored/);
    assert.deepEqual(treeSums(dataDir), before);
    assert.ok(!fs.existsSync(path.join(dataDir, '.basic-memory', 'restore-tmp')) || fs.readdirSync(path.join(dataDir, '.basic-memory', 'restore-tmp')).length === 0);
    fs.rmSync(path.join(dataDir, 'main', 'new.bin'));
    await t.json('POST', '/main/project/sync?run_in_background=false', {});
    let ok = null;
    for (let i = 0; i < 50 && !ok; i++) {
      const again = await t.json('POST', `/snapshots/${s.body.snapshot_id}/restore`, { path: 'main/old.bin', kind: 'file' });
      if (again.status === 200) ok = again; else await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(ok, 'within the quota the restore works');
    assert.equal(fs.statSync(path.join(dataDir, 'main', 'old.bin')).size, 600 * 1024);
  });
});

describe('a full disk during a snapshot and during a restore', { skip: root ? false : 'needs root to mount a small tmpfs' }, () => {
  const { tmp, passwordFile } = setup('bm-snapfull-');
  const repoMnt = path.join(tmp, 'repo-disk');
  const dataMnt = path.join(tmp, 'data-disk');
  const dataDir = path.join(dataMnt, 'data');
  const repo = path.join(repoMnt, 'repo');
  const cache = path.join(tmp, 'cache');
  let t: Tenant;
  before(async () => {
    for (const [m, size] of [[repoMnt, '6m'], [dataMnt, '24m']] as const) {
      fs.mkdirSync(m, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', m]);
    }
    fs.mkdirSync(path.join(dataDir, 'main', 'notes'), { recursive: true });
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dataDir, 'main', 'notes', `Note ${i}.md`), `# Note ${i}\n\nwords ${i}\n`);
    t = await startTenant({ dataDir, indexDir: path.join(tmp, 'index'), env: { BM_SNAPSHOT_REPOSITORY: repo, BM_SNAPSHOT_PASSWORD_FILE: passwordFile } });
    await t.waitHealthy();
  });
  after(async () => {
    await t?.stop();
    for (const m of [repoMnt, dataMnt]) { try { execFileSync('umount', [m]); } catch { /* not mounted */ } }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('snapshot: the repository disk fills up → 507 naming it, the repository checks clean, the files are untouched; with space again the next snapshot works', async () => {
    const first = await t.json('POST', '/snapshots', { kind: 'manual', allow_init: true });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    fs.writeFileSync(path.join(dataDir, 'main', 'big.bin'), crypto.randomBytes(8 * 1024 * 1024)); // incompressible, more than the disk holds
    const sums = treeSums(dataDir);
    const full = await t.json('POST', '/snapshots', { kind: 'manual' });
    assert.equal(full.status, 507, JSON.stringify(full.body));
    assert.match(full.body.detail, /disk is full/i);
    assert.deepEqual(treeSums(dataDir), sums, 'no user file changed');
    const check = resticCheck(repo, passwordFile, cache);
    assert.equal(check.code, 0, check.out);
    fs.rmSync(path.join(dataDir, 'main', 'big.bin'));
    const next = await t.json('POST', '/snapshots', { kind: 'manual' });
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal(resticCheck(repo, passwordFile, cache).code, 0);
  });

  test('restore: the data disk fills up → 507, no file lost or torn, nothing left in the work folder, the repository checks clean', async () => {
    fs.mkdirSync(path.join(dataDir, 'main', 'media'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'main', 'media', 'photo.bin'), crypto.randomBytes(3 * 1024 * 1024));
    // the repository disk is small: make room for this snapshot's data first
    const snap = await t.json('POST', '/snapshots', { kind: 'manual' });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    fs.rmSync(path.join(dataDir, 'main', 'media', 'photo.bin'));
    fs.writeFileSync(path.join(dataDir, 'main', 'notes', 'Note 1.md'), '# Note 1\n\nchanged since the snapshot\n');
    // fill the data disk, leaving about 1 MiB
    const free = () => { const s = fs.statfsSync(dataMnt); return s.bavail * s.bsize; };
    fs.writeFileSync(path.join(dataMnt, 'filler'), Buffer.alloc(Math.max(0, free() - 1024 * 1024)));
    const sums = treeSums(dataDir);
    for (const body of [{ path: 'main/media/photo.bin', kind: 'file' }, { path: 'main/media/' }, { path: 'main/' }]) {
      const r = await t.json('POST', `/snapshots/${snap.body.snapshot_id}/restore`, body);
      assert.equal(r.status, 507, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, /disk is full/i);
      assert.deepEqual(treeSums(dataDir), sums, 'no user file lost, changed or torn');
      const work = path.join(dataDir, '.basic-memory', 'restore-tmp');
      assert.ok(!fs.existsSync(work) || fs.readdirSync(work).length === 0, 'the work folder is cleaned up');
    }
    assert.equal(resticCheck(repo, passwordFile, cache).code, 0);
    fs.rmSync(path.join(dataMnt, 'filler'));
    const ok = await t.json('POST', `/snapshots/${snap.body.snapshot_id}/restore`, { path: 'main/media/photo.bin', kind: 'file' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(fs.statSync(path.join(dataDir, 'main', 'media', 'photo.bin')).size, 3 * 1024 * 1024);
  });
});
