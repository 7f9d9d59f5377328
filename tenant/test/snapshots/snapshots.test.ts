// Snapshots with a real tenant process and Debian's real restic: create, list, browse, restore (the replaced
// file lands in the trash), delete, and the faults (restic killed mid-backup, a missing or damaged repository,
// a path not in the snapshot, a restore racing with edits).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, waitFor, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-snap-');
const dataDir = path.join(tmp, 'data');
const repo = path.join(tmp, 'snapshots', 'repo');
const passwordFile = path.join(tmp, 'snapshots', 'password');
const main = path.join(dataDir, 'main');
let t: Tenant;

function restic(args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('restic', args, { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_CACHE_DIR: path.join(tmp, 'cache') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

async function snapshot(kind = 'manual', allowInit = false) {
  return t.json('POST', '/snapshots', { kind, allow_init: allowInit });
}

before(async () => {
  fs.mkdirSync(path.join(main, 'docs'), { recursive: true });
  fs.mkdirSync(path.join(main, 'plans', 'q1'), { recursive: true });
  fs.writeFileSync(path.join(main, 'docs', 'Keep.md'), '# Keep\n\nthe original words\n');
  fs.writeFileSync(path.join(main, 'plans', 'Plan A.md'), '# Plan A\n\nfirst plan\n');
  fs.writeFileSync(path.join(main, 'plans', 'q1', 'Goals.md'), '# Goals\n\nship it\n');
  fs.mkdirSync(path.dirname(passwordFile), { recursive: true });
  fs.writeFileSync(passwordFile, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  t = await startTenant({ dataDir, env: { BM_SNAPSHOT_REPOSITORY: repo, BM_SNAPSHOT_PASSWORD_FILE: passwordFile } });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('snapshots (restic)', () => {
  let first = '';

  test('the first snapshot creates the repository only when allowed, then lists and browses with a prefix', async () => {
    const refused = await snapshot('manual', false);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.match(refused.body.detail, /repository is missing/);
    const r = await snapshot('manual', true);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.snapshot_id, /^[0-9a-f]{8}$/);
    assert.ok(r.body.files >= 4, JSON.stringify(r.body)); // 3 notes + config.json
    assert.ok(r.body.repository_bytes > 0);
    first = r.body.snapshot_id;
    const list = await t.json('GET', '/snapshots');
    assert.equal(list.body.snapshots.length, 1);
    assert.equal(list.body.snapshots[0].kind, 'manual');
    const all = await t.json('GET', `/snapshots/${first}/files`);
    const keys = all.body.files.map((f: any) => f.key).sort();
    assert.deepEqual(keys, ['main/docs/Keep.md', 'main/plans/Plan A.md', 'main/plans/q1/Goals.md']);
    const some = await t.json('GET', `/snapshots/${first}/files?prefix=${encodeURIComponent('main/plans/')}`);
    assert.deepEqual(some.body.files.map((f: any) => f.key).sort(), ['main/plans/Plan A.md', 'main/plans/q1/Goals.md']);
    assert.equal(some.body.snapshot_version, first);
    assert.equal(some.body.files[0].size > 0, true);
  });

  test('the repository gets a second key with a cheap derivation, which alone opens it', () => {
    const keys = fs.readdirSync(path.join(repo, 'keys')).map((id) => ({ id, kf: JSON.parse(fs.readFileSync(path.join(repo, 'keys', id), 'utf8')) }));
    assert.equal(keys.length, 2, 'restic\'s own key and the cheap one');
    const fast = keys.find((k) => k.kf.N === 16384 && k.kf.r === 8 && k.kf.p === 1);
    assert.ok(fast, JSON.stringify(keys.map((k) => [k.kf.N, k.kf.r, k.kf.p])));
    assert.equal(crypto.createHash('sha256').update(fs.readFileSync(path.join(repo, 'keys', fast.id))).digest('hex'), fast.id);
    // a copy of the repository's config with only the cheap key: restic opens it and reads the same config
    const only = path.join(tmp, 'only-fast-key');
    fs.mkdirSync(path.join(only, 'keys'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'config'), path.join(only, 'config'));
    fs.copyFileSync(path.join(repo, 'keys', fast.id), path.join(only, 'keys', fast.id));
    const env = { ...process.env, RESTIC_REPOSITORY: only, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_CACHE_DIR: path.join(tmp, 'cache-only') };
    const config = JSON.parse(execFileSync('restic', ['--no-lock', 'cat', 'config'], { env, encoding: 'utf8' }));
    assert.equal(config.id, JSON.parse(restic(['--no-lock', 'cat', 'config']).out).id);
    // and a wrong password does not open it
    fs.writeFileSync(path.join(tmp, 'wrong'), 'not the password');
    assert.throws(() => execFileSync('restic', ['--no-lock', 'cat', 'config'], { env: { ...env, RESTIC_PASSWORD_FILE: path.join(tmp, 'wrong') }, stdio: 'pipe' }));
    fs.rmSync(only, { recursive: true });
  });

  test('restoring an overwritten note puts the overwritten version in the trash and says what changed', async () => {
    fs.writeFileSync(path.join(main, 'docs', 'Keep.md'), '# Keep\n\nan agent wrote over this\n');
    const r = await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/docs/Keep.md' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.restored, ['main/docs/Keep.md']);
    assert.equal(r.body.replaced.length, 1);
    assert.equal(fs.readFileSync(path.join(main, 'docs', 'Keep.md'), 'utf8'), '# Keep\n\nthe original words\n');
    const trash = await t.json('GET', '/trash');
    const item = trash.body.items.find((i: any) => i.id === r.body.replaced[0].trash_id);
    assert.ok(item, JSON.stringify(trash.body));
    assert.equal(item.path, 'docs/Keep.md');
    assert.equal(fs.readFileSync(path.join(dataDir, '.basic-memory', 'trash', item.id, 'payload', 'Keep.md'), 'utf8'), '# Keep\n\nan agent wrote over this\n');
    // the index follows: search finds the restored words
    const found = await waitFor(async () => (await t.json('GET', '/main/search?q=original')).body.results.length > 0);
    assert.ok(found);
    // restoring again changes nothing
    const again = await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/docs/Keep.md' });
    assert.deepEqual(again.body.restored, []);
    assert.deepEqual(again.body.unchanged, ['main/docs/Keep.md']);
  });

  test('a deleted folder comes back whole; as a copy it lands beside the current one', async () => {
    fs.rmSync(path.join(main, 'plans'), { recursive: true });
    const r = await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/plans/' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.restored.sort(), ['main/plans/Plan A.md', 'main/plans/q1/Goals.md']);
    assert.equal(fs.readFileSync(path.join(main, 'plans', 'q1', 'Goals.md'), 'utf8'), '# Goals\n\nship it\n');
    const copy = await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/plans/Plan A.md', as_copy: true });
    assert.equal(copy.status, 200, JSON.stringify(copy.body));
    assert.equal(copy.body.restored.length, 1);
    assert.match(copy.body.restored[0], /^main\/plans\/Plan A \(restored \d{4}-\d\d-\d\d \d{4}\)\.md$/);
    assert.equal(fs.readFileSync(path.join(dataDir, copy.body.restored[0]), 'utf8'), '# Plan A\n\nfirst plan\n');
    assert.deepEqual(copy.body.replaced, []);
  });

  test('bad input: a path not in the snapshot is 404, an unknown snapshot 404, an escaping or hidden path 400', async () => {
    assert.equal((await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/nope.md' })).status, 404);
    assert.equal((await t.json('POST', '/snapshots/deadbeef/restore', { path: 'main/docs/Keep.md' })).status, 404);
    assert.equal((await t.json('GET', '/snapshots/deadbeef/files')).status, 404);
    assert.equal((await t.json('GET', '/snapshots/not-an-id/files')).status, 404);
    const esc = await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/../../etc/passwd' });
    assert.equal(esc.status, 400, JSON.stringify(esc.body));
    assert.equal((await t.json('POST', `/snapshots/${first}/restore`, { path: '.basic-memory/config.json' })).status, 400);
    assert.equal((await t.json('GET', `/snapshots/${first}/file?path=${encodeURIComponent('main/docs/Keep.md')}`)).status, 200);
  });

  test('a restore racing with edits loses nothing: every edit is either the current file or in the trash', async () => {
    const file = path.join(main, 'docs', 'Keep.md');
    const written: string[] = [];
    const edits = (async () => {
      for (let i = 0; i < 15; i++) {
        const content = `# Keep\n\nedit ${i}\n`;
        const w = await t.json('PUT', '/main/resource/docs/Keep.md', content);
        assert.ok(w.status === 200 || w.status === 201, JSON.stringify(w.body));
        written.push(content);
      }
    })();
    const restores = (async () => {
      for (let i = 0; i < 5; i++) {
        const r = await t.json('POST', `/snapshots/${first}/restore`, { path: 'main/docs/Keep.md' });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    })();
    await Promise.all([edits, restores]);
    const seen = new Set<string>([fs.readFileSync(file, 'utf8')]);
    const trashDir = path.join(dataDir, '.basic-memory', 'trash');
    for (const id of fs.readdirSync(trashDir)) {
      const p = path.join(trashDir, id, 'payload', 'Keep.md');
      if (fs.existsSync(p)) seen.add(fs.readFileSync(p, 'utf8'));
    }
    // every edit that a later edit did not replace through the API survives somewhere; the last one always
    assert.ok(seen.has(written.at(-1)!) || fs.readFileSync(file, 'utf8') === '# Keep\n\nthe original words\n');
    for (const content of written) {
      const replacedByEdit = written.indexOf(content) < written.length - 1;
      if (!replacedByEdit) assert.ok(seen.has(content) , `lost: ${content}`);
    }
  });

  test('restic killed with SIGKILL mid-backup: the repository checks clean and the next snapshot works', async () => {
    // enough data that the backup runs for a while
    const big = path.join(main, 'big');
    fs.mkdirSync(big, { recursive: true });
    for (let i = 0; i < 400; i++) fs.writeFileSync(path.join(big, `blob-${i}.bin`), crypto.randomBytes(64 * 1024));
    const pending = snapshot('scheduled');
    const child = await waitFor(() => {
      let out = '';
      try { out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(t.pid)], { encoding: 'utf8' }); } catch { /* no child yet */ }
      const line = out.split('\n').find((l) => /restic|nice/.test(l));
      return line ? Number(line.trim().split(/\s+/)[0]) : false;
    }, 20_000, 5);
    await new Promise((r) => setTimeout(r, 150));
    process.kill(child, 'SIGKILL');
    const failed = await pending;
    assert.equal(failed.status, 500, JSON.stringify(failed.body));
    assert.match(failed.body.detail, /restic backup failed \(killed by SIGKILL\)/);
    // the killed restic may have left its lock, which restic check (an exclusive lock) refuses: the tenant's check
    // removes locks of dead processes (`restic unlock`) first, then the repository checks clean
    const checked = await t.json('POST', '/snapshots/check');
    assert.deepEqual(checked.body.ok, true, JSON.stringify(checked.body));
    assert.equal(restic(['check']).code, 0);
    const next = await snapshot('scheduled');
    assert.equal(next.status, 201, JSON.stringify(next.body));
    const check = await t.json('POST', '/snapshots/check');
    assert.deepEqual(check.body.ok, true, JSON.stringify(check.body));
    fs.rmSync(big, { recursive: true });
  });

  test('delete forgets a snapshot; retention keeps the recent scheduled ones and never touches manual ones', async () => {
    const before = (await t.json('GET', '/snapshots')).body.snapshots;
    const victim = before.find((s: any) => s.kind === 'scheduled');
    const del = await t.json('DELETE', `/snapshots/${victim.short_id}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    const afterDel = (await t.json('GET', '/snapshots')).body.snapshots;
    assert.equal(afterDel.length, before.length - 1);
    assert.equal((await t.json('DELETE', `/snapshots/${victim.short_id}`)).status, 404);
    await snapshot('scheduled');
    await snapshot('scheduled');
    const ret = await t.json('POST', '/snapshots/retention', { hourly_hours: 24, daily_days: 30, weekly_weeks: 12 });
    assert.equal(ret.status, 200, JSON.stringify(ret.body));
    // two scheduled snapshots in the same hour: the hourly rule keeps the newest of that hour
    assert.equal(ret.body.removed.length, 1, JSON.stringify(ret.body));
    const left = (await t.json('GET', '/snapshots')).body.snapshots;
    assert.ok(left.some((s: any) => s.short_id === first), 'the manual snapshot stays');
    assert.equal(restic(['check']).code, 0);
  });

  test('a note\'s history: one restic find gives the snapshots holding each version, with mtime and size', async () => {
    const file = path.join(main, 'docs', 'Keep.md');
    fs.writeFileSync(file, '# Keep\n\na later, longer version of the words\n');
    const later = await snapshot('manual');
    assert.equal(later.status, 201);
    const h = await t.json('GET', `/snapshots/history?path=${encodeURIComponent('main/docs/Keep.md')}`);
    assert.equal(h.status, 200, JSON.stringify(h.body));
    const distinct = new Set(h.body.versions.map((v: any) => `${v.mtime}|${v.size}`));
    assert.ok(distinct.size >= 2, JSON.stringify(h.body));
    // restic find reports an unchanged subtree once (under the newest snapshot holding it), so every version shows
    const newest = h.body.versions.find((v: any) => v.snapshot_id.startsWith(later.body.snapshot_id));
    assert.equal(newest?.size, fs.statSync(file).size, JSON.stringify(h.body));
    assert.ok(h.body.versions.some((v: any) => v.size === '# Keep\n\nthe original words\n'.length), JSON.stringify(h.body));
    assert.deepEqual((await t.json('GET', `/snapshots/history?path=${encodeURIComponent('main/never.md')}`)).body.versions, []);
    assert.equal((await t.json('GET', `/snapshots/history?path=${encodeURIComponent('../x')}`)).status, 400);
  });

  test('a damaged or missing repository is a clear 503, and the files are untouched', async () => {
    const before = fs.readFileSync(path.join(main, 'docs', 'Keep.md'));
    const config = path.join(repo, 'config');
    const saved = fs.readFileSync(config);
    fs.writeFileSync(config, 'garbage');
    const r = await t.json('GET', '/snapshots');
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.match(r.body.detail, /repository/i);
    fs.writeFileSync(config, saved);
    fs.renameSync(repo, repo + '.moved');
    const s = await snapshot('scheduled', false);
    assert.equal(s.status, 503, JSON.stringify(s.body));
    assert.match(s.body.detail, /repository is missing/);
    const b = await t.json('GET', `/snapshots/${first}/files`);
    assert.equal(b.status, 503, JSON.stringify(b.body));
    fs.renameSync(repo + '.moved', repo);
    assert.equal((await t.json('GET', `/snapshots/${first}/files`)).status, 200);
    assert.ok(fs.readFileSync(path.join(main, 'docs', 'Keep.md')).equals(before));
  });
});
