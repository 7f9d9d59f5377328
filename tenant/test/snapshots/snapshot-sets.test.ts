// Snapshots as sets, with a real tenant process and Debian's real restic: an incremental snapshot backs up only the
// projects that changed and carries the others from the set holding them; list, browse, read, restore and history
// go through the set to each project's holder; delete and retention hide a set later sets still carry from and
// forget it once none does; a whole-tree snapshot from before sets keeps listing, browsing and restoring.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-snapset-');
const dataDir = path.join(tmp, 'data');
const repo = path.join(tmp, 'snapshots', 'repo');
const passwordFile = path.join(tmp, 'snapshots', 'password');
let t: Tenant;

interface RepoSnap { id: string; short_id: string; paths: string[]; tags: string[] | null }

function restic(args: string[]): string {
  return execFileSync('restic', args, { cwd: dataDir, env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_CACHE_DIR: path.join(tmp, 'cache') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function repoSnapshots(): RepoSnap[] {
  return JSON.parse(restic(['--no-lock', 'snapshots', '--json']));
}
/** The units a restic snapshot holds itself (its paths), `.basic-memory` aside. */
function own(shortId: string): string[] {
  const s = repoSnapshots().find((x) => x.short_id === shortId);
  assert.ok(s, `restic snapshot ${shortId} exists`);
  return s.paths.map((p) => path.basename(p)).filter((u) => u !== '.basic-memory').sort();
}
function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dataDir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dataDir, rel), text);
}
async function snapshot(kind = 'manual'): Promise<{ snapshot_id: string; files: number; projects_backed_up: number; projects_carried: number }> {
  const r = await t.json('POST', '/snapshots', { kind, allow_init: true });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
async function keys(id: string, prefix = ''): Promise<string[]> {
  const r = await t.json('GET', `/snapshots/${id}/files?prefix=${encodeURIComponent(prefix)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const got: string[] = r.body.files.map((f: { key: string }) => f.key);
  assert.deepEqual(got, [...got].sort(), 'one listing in key order, across the snapshots holding the set');
  return got;
}
async function read(id: string, key: string): Promise<{ status: number; text: string }> {
  const r = await t.json('GET', `/snapshots/${id}/file?path=${encodeURIComponent(key)}`);
  return { status: r.status, text: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) };
}

before(async () => {
  write('alpha/a.md', '# A\n\nfirst\n');
  write('alpha/deep/x.md', '# X\n');
  write('beta/b.md', '# B\n\nbeta one\n');
  write('beta/sub/c.md', '# C\n');
  fs.mkdirSync(path.dirname(passwordFile), { recursive: true });
  fs.writeFileSync(passwordFile, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  // a repository with a whole-tree snapshot taken before sets existed
  restic(['init']);
  restic(['backup', '--tag', 'kind:manual', '--exclude', path.join(dataDir, '.basic-memory', 'tenant.lock'), '.']);
  t = await startTenant({ dataDir, env: { BM_SNAPSHOT_REPOSITORY: repo, BM_SNAPSHOT_PASSWORD_FILE: passwordFile } });
  await t.waitHealthy();
  // what the first set holds is older than it by more than the clock slack of the change walk
  await sleep(2_200);
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('snapshot sets (restic)', () => {
  let oldStyle = '';
  let s1 = '';
  let s2 = '';
  let s3 = '';

  test('the first set backs up every project; the next backs up only the changed one and carries the other', async () => {
    oldStyle = repoSnapshots()[0]!.short_id;
    const first = await snapshot();
    s1 = first.snapshot_id;
    assert.deepEqual(own(s1), ['alpha', 'beta']);
    assert.equal(first.projects_carried, 0);
    write('alpha/a.md', '# A\n\nsecond\n');
    // (a change within the clock slack before a set is backed up again by the next one: wait it out)
    await sleep(2_200);
    const second = await snapshot();
    s2 = second.snapshot_id;
    assert.deepEqual(own(s2), ['alpha'], 'beta did not change: not backed up again');
    assert.equal(second.projects_carried, 1);
    assert.equal(second.files, first.files, 'carried files are counted');
    // nothing changed: only the tenant's own folder is backed up, both projects are carried
    const third = await snapshot();
    s3 = third.snapshot_id;
    assert.deepEqual(own(s3), []);
    assert.equal(third.projects_carried, 2);
  });

  test('list shows sets and the earlier whole-tree snapshot; browse and read go to each project\'s holder', async () => {
    const list = (await t.json('GET', '/snapshots')).body.snapshots.map((s: { short_id: string }) => s.short_id).sort();
    assert.deepEqual(list, [oldStyle, s1, s2, s3].sort());
    const all = ['alpha/a.md', 'alpha/deep/x.md', 'beta/b.md', 'beta/sub/c.md'];
    for (const id of [oldStyle, s1, s2, s3]) assert.deepEqual(await keys(id), all, id);
    assert.deepEqual(await keys(s3, 'beta/sub/'), ['beta/sub/c.md']);
    assert.deepEqual(await keys(s3, 'be'), ['beta/b.md', 'beta/sub/c.md']);
    assert.equal((await read(s1, 'alpha/a.md')).text, '# A\n\nfirst\n');
    assert.equal((await read(s2, 'alpha/a.md')).text, '# A\n\nsecond\n');
    assert.equal((await read(s3, 'beta/b.md')).text, '# B\n\nbeta one\n');
    assert.equal((await read(oldStyle, 'beta/b.md')).text, '# B\n\nbeta one\n');
    assert.equal((await read(s3, 'gamma/nope.md')).status, 404);
    assert.equal((await read(s3, 'beta/nope.md')).status, 404);
  });

  test('restore through a set: a carried file, a carried folder, and everything', async () => {
    write('beta/b.md', '# B\n\noverwritten\n');
    const one = await t.json('POST', `/snapshots/${s3}/restore`, { path: 'beta/b.md', kind: 'file' });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body.restored, ['beta/b.md']);
    assert.equal(one.body.replaced.length, 1);
    assert.equal(fs.readFileSync(path.join(dataDir, 'beta/b.md'), 'utf8'), '# B\n\nbeta one\n');
    fs.rmSync(path.join(dataDir, 'beta', 'sub'), { recursive: true });
    const folder = await t.json('POST', `/snapshots/${s3}/restore`, { path: 'beta/sub/' });
    assert.deepEqual(folder.body.restored, ['beta/sub/c.md']);
    fs.rmSync(path.join(dataDir, 'alpha', 'deep'), { recursive: true });
    const everything = await t.json('POST', `/snapshots/${s3}/restore`, { path: '' });
    assert.equal(everything.status, 200, JSON.stringify(everything.body));
    assert.deepEqual(everything.body.restored, ['alpha/deep/x.md']);
    assert.deepEqual(everything.body.unchanged.sort(), ['alpha/a.md', 'beta/b.md', 'beta/sub/c.md']);
    // a whole-tree snapshot from before sets restores as before
    const old = await t.json('POST', `/snapshots/${oldStyle}/restore`, { path: 'alpha/a.md', kind: 'file' });
    assert.deepEqual(old.body.restored, ['alpha/a.md']);
    assert.equal(fs.readFileSync(path.join(dataDir, 'alpha/a.md'), 'utf8'), '# A\n\nfirst\n');
  });

  test('change detection: a delete, a restored mtime, a new project and a removed one are all caught', async () => {
    await sleep(2_200);
    const base = await snapshot();
    assert.deepEqual(own(base.snapshot_id), ['alpha', 'beta'], 'the restores above changed both');
    // a file deleted deep inside: its folder's times change
    fs.rmSync(path.join(dataDir, 'beta', 'sub', 'c.md'));
    await sleep(2_200);
    let s = await snapshot();
    assert.deepEqual(own(s.snapshot_id), ['beta']);
    assert.deepEqual(await keys(s.snapshot_id, 'beta/'), ['beta/b.md']);
    await sleep(2_200);
    // content changed with its mtime put back: the ctime still says so
    const f = path.join(dataDir, 'alpha', 'deep', 'x.md');
    const st = fs.statSync(f);
    fs.writeFileSync(f, '# X\n\nchanged quietly\n');
    fs.utimesSync(f, st.atime, st.mtime);
    await sleep(2_200);
    s = await snapshot();
    assert.deepEqual(own(s.snapshot_id), ['alpha']);
    assert.equal((await read(s.snapshot_id, 'alpha/deep/x.md')).text, '# X\n\nchanged quietly\n');
    await sleep(2_200);
    // a new project is backed up; a removed one is no longer in the set
    write('gamma/g.md', '# G\n');
    fs.renameSync(path.join(dataDir, 'beta'), path.join(tmp, 'beta-away'));
    await sleep(2_200);
    s = await snapshot();
    assert.deepEqual(own(s.snapshot_id), ['gamma']);
    assert.deepEqual(await keys(s.snapshot_id), ['alpha/a.md', 'alpha/deep/x.md', 'gamma/g.md']);
    fs.renameSync(path.join(tmp, 'beta-away'), path.join(dataDir, 'beta'));
    s = await snapshot();
    assert.deepEqual(own(s.snapshot_id), ['beta'], 'a project coming back is backed up, not carried from an old set');
  });

  test('history maps a carried file\'s holder to every live set reading it', async () => {
    const h = await t.json('GET', `/snapshots/history?path=${encodeURIComponent('alpha/a.md')}`);
    assert.equal(h.status, 200, JSON.stringify(h.body));
    const ids = new Set(h.body.versions.map((v: { snapshot_id: string }) => v.snapshot_id.slice(0, 8)));
    for (const id of [s1, s2, s3]) assert.ok(ids.has(id), `${id} in ${JSON.stringify(h.body.versions)}`);
    const sizes = new Set(h.body.versions.map((v: { size: number }) => v.size));
    assert.ok(sizes.size >= 2, 'the first and second versions both appear');
  });

  test('deleting a set later sets carry from hides it; it is forgotten once no live set names it', async () => {
    // s1 holds beta for s2 and s3
    const d = await t.json('DELETE', `/snapshots/${s1}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const listed = (await t.json('GET', '/snapshots')).body.snapshots.map((s: { short_id: string }) => s.short_id);
    assert.ok(!listed.includes(s1));
    assert.equal((await t.json('GET', `/snapshots/${s1}/files`)).status, 404);
    const hidden = repoSnapshots().filter((s) => s.tags?.includes('bm-hidden'));
    assert.equal(hidden.length, 1);
    assert.deepEqual(await keys(s3, 'beta/'), ['beta/b.md', 'beta/sub/c.md']);
    assert.equal((await read(s2, 'beta/b.md')).text, '# B\n\nbeta one\n');
    assert.equal((await t.json('DELETE', `/snapshots/${s2}`)).status, 200);
    assert.equal((await t.json('DELETE', `/snapshots/${s3}`)).status, 200);
    assert.equal(repoSnapshots().filter((s) => s.tags?.includes('bm-hidden')).length, 0, 'no live set names the hidden one any more');
    restic(['check']);
  });

  test('retention forgets sets by the policy and keeps what the kept ones carry readable', async () => {
    await sleep(2_200);
    write('alpha/a.md', '# A\n\nthird\n');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await snapshot('scheduled')).snapshot_id);
    // keep the newest scheduled one of the hour: the older two go, the one holding the projects stays hidden
    const r = await t.json('POST', '/snapshots/retention', { hourly_hours: 1, daily_days: 0, weekly_weeks: 0 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const listed = (await t.json('GET', '/snapshots')).body.snapshots.filter((s: { kind: string }) => s.kind === 'scheduled').map((s: { short_id: string }) => s.short_id);
    assert.deepEqual(listed, [ids[2]]);
    assert.ok(r.body.removed.some((full: string) => full.startsWith(ids[0]!)));
    assert.deepEqual(await keys(ids[2]!), ['alpha/a.md', 'alpha/deep/x.md', 'beta/b.md', 'gamma/g.md']);
    assert.equal((await read(ids[2]!, 'alpha/a.md')).text, '# A\n\nthird\n');
    // manual snapshots and the whole-tree one are untouched
    assert.ok((await t.json('GET', '/snapshots')).body.snapshots.some((s: { short_id: string }) => s.short_id === oldStyle));
    restic(['check']);
  });
});
