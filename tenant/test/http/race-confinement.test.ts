// Class 1 of the hardening: no file operation can be steered outside its project, even under a race.
// A separate process flips the folder `main/flip` between a real directory and a symlink to a folder outside
// the data dir as fast as it can, while writes, uploads, moves, deletes and reads aimed at `flip/…` run through
// the real tenant process. After every round the outside folder must be byte-for-byte what it was, and no read
// may ever return its content.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { flipperRunning, snapshot, startFlipper } from '../process/folder-flipper.ts';
import { davRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const ROUNDS = 40;
/** Rounds of the WebDAV and note-API race (each round runs every operation once, all at the same time). */
const DAV_ROUNDS = 24;
const tmp = tempDir('bm-race-');
const dataDir = path.join(tmp, 'data');
const outside = path.join(tmp, 'outside');
const flip = path.join(dataDir, 'main', 'flip');
let t: Tenant;
let flipper: ChildProcess | null = null;

before(async () => {
  fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.md'), 'OUTSIDE-SECRET\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  // Notes inside `flip/` whose names also exist outside: a followed link would delete or move the outside twin.
  for (let i = 0; i < ROUNDS; i++) {
    for (const kind of ['del', 'mv']) {
      const r = await t.json('POST', '/main/knowledge/entities', { title: `${kind}${i}`, folder: 'flip', content: `inside ${kind}${i}\n` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      fs.writeFileSync(path.join(outside, `${kind}${i}.md`), `outside twin ${kind}${i}\n`);
    }
    fs.writeFileSync(path.join(outside, `up${i}.bin`), `outside upload twin ${i}\n`);
    fs.writeFileSync(path.join(outside, `w${i}.md`), `outside note twin ${i}\n`);
  }
  // The WebDAV / note-API race: files inside `flip/` (and at the root, for moves and copies into `flip/`), every
  // name also present outside, so a followed link would read, replace, move or delete the outside twin.
  for (let i = 0; i < DAV_ROUNDS; i++) {
    for (const kind of ['ddel', 'dmv', 'dcp', 'dput', 'npatch', 'nput']) {
      const r = await t.json('POST', '/main/knowledge/entities', { title: `${kind}${i}`, folder: 'flip', content: `inside ${kind}${i}\n` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      fs.writeFileSync(path.join(outside, `${kind}${i}.md`), `OUTSIDE twin ${kind}${i}\n`);
    }
    for (const kind of ['dsrc', 'msrc']) {
      const r = await t.json('POST', '/main/knowledge/entities', { title: `${kind}${i}`, folder: '', content: `inside ${kind}${i}\n` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  }
});

type DavRes = { status: number; text: string };
async function dav(method: string, rawPath: string, headers: Record<string, string> = {}, body?: string): Promise<DavRes> {
  const r = await davRequest(t, method, rawPath, headers, body);
  return { status: r.status, text: r.bytes.toString('latin1') };
}

async function importMemoryJson(folder: string, name: string): Promise<DavRes> {
  const pathAndQuery = '/main/import/memory-json';
  const form = new FormData();
  form.set('file', new Blob([JSON.stringify({ type: 'entity', name, entityType: 'test', observations: [`imported ${name}`] }) + '\n']), 'memory.json');
  form.set('folder', folder);
  const res = await fetch(`http://127.0.0.1:${t.port}${pathAndQuery}`, { method: 'POST', body: form, headers: signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'POST', pathAndQuery }) });
  return { status: res.status, text: await res.text() };
}

after(async () => {
  flipper?.kill('SIGKILL');
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('confinement under a folder ⇄ symlink race', () => {
  test(`${ROUNDS} rounds of writes, uploads, moves, deletes and reads never touch or reveal the outside`, { timeout: 300_000 }, async () => {
    const before = snapshot(outside);
    flipper = startFlipper(flip, outside);
    await flipperRunning(flip);
    const statuses = new Map<string, Set<number>>();
    const seen = (op: string, status: number) => { if (!statuses.has(op)) statuses.set(op, new Set()); statuses.get(op)!.add(status); };
    let flips = 0;
    for (let i = 0; i < ROUNDS; i++) {
      if (fs.lstatSync(flip, { throwIfNoEntry: false })?.isSymbolicLink()) flips++;
      const ops = await Promise.all([
        t.json('POST', '/main/knowledge/entities', { title: `w${i}`, folder: 'flip', content: `note ${i}\n` }).then((r) => ['write', r] as const),
        t.json('PUT', `/main/resource/flip/up${i}.bin`, `upload ${i}`).then((r) => ['upload', r] as const),
        t.json('PUT', `/main/resource/flip/deep${i}/x.md`, `deep ${i}`).then((r) => ['upload-mkdir', r] as const),
        t.json('DELETE', `/main/knowledge/entities/flip/del${i}.md`).then((r) => ['delete', r] as const),
        t.json('POST', '/main/knowledge/move', { identifier: `flip/mv${i}.md`, destination_path: `moved/mv${i}.md` }).then((r) => ['move-out', r] as const),
        t.json('GET', '/main/resource/flip/secret.md').then((r) => ['read', r] as const),
        t.json('GET', `/main/resource/flip/del${(i + 1) % ROUNDS}.md`).then((r) => ['read-note', r] as const),
      ]);
      for (const [op, r] of ops) {
        seen(op, r.status);
        assert.ok(r.status < 500, `round ${i} ${op}: ${r.status} ${JSON.stringify(r.body)}\n${t.stderr().split('\n').filter((l) => l.includes('"level":50')).slice(-2).join('\n')}`);
        assert.ok(!JSON.stringify(r.body).includes('OUTSIDE'), `round ${i} ${op} revealed outside content`);
        if (op === 'read-note' && r.status === 200) assert.match(String(r.body), /inside del/, `round ${i}: read served something else`);
      }
      assert.equal(snapshot(outside), before, `round ${i}: the outside folder changed (${JSON.stringify([...statuses].map(([k, v]) => [k, [...v]]))})`);
    }
    flipper.kill('SIGKILL');
    await new Promise((r) => flipper!.once('exit', r));
    assert.equal(snapshot(outside), before);
    assert.ok(flips > 0, 'the flipper never had the symlink in place at a round start: the race was not exercised');
    // The link was in place often enough that some operations must have been refused by the no-follow walk.
    const refused = [...statuses.values()].some((s) => s.has(400));
    assert.ok(refused, `no operation ever met the symlink: ${JSON.stringify([...statuses].map(([k, v]) => [k, [...v]]))}`);
  });

  test(`${DAV_ROUNDS} rounds of WebDAV PUT/MOVE/COPY/DELETE/MKCOL/PROPFIND/GET, note PUT/PATCH/move/import and ZIP export never touch or reveal the outside`, async () => {
    // the previous test may have left `flip` as a link or aside: put the real folder back first
    const st0 = fs.lstatSync(flip, { throwIfNoEntry: false });
    if (st0?.isSymbolicLink()) fs.unlinkSync(flip);
    if (!fs.existsSync(flip)) {
      const aside = fs.readdirSync(path.dirname(flip)).filter((n) => n.startsWith('.aside-')).sort((a, b) => Number(b.slice(7)) - Number(a.slice(7)))[0];
      assert.ok(aside, 'the real flip folder is gone');
      fs.renameSync(path.join(path.dirname(flip), aside), flip);
    }
    const before = snapshot(outside);
    flipper = startFlipper(flip, outside);
    await flipperRunning(flip);
    const statuses = new Map<string, Set<number>>();
    const seen = (op: string, status: number) => { if (!statuses.has(op)) statuses.set(op, new Set()); statuses.get(op)!.add(status); };
    const summary = () => JSON.stringify([...statuses].map(([k, v]) => [k, [...v]]));
    // sampled all along the rounds (not only at their starts): proof that the link was really in place meanwhile
    let flips = 0;
    const sampler = setInterval(() => { if (fs.lstatSync(flip, { throwIfNoEntry: false })?.isSymbolicLink()) flips++; }, 2);
    try {
      for (let i = 0; i < DAV_ROUNDS; i++) {
        const ops: [string, Promise<DavRes>][] = [
          ['dav-put', dav('PUT', `/webdav/main/flip/dput${i}.md`, { 'x-oc-mtime': '1600000000' }, `dav put ${i}\n`)],
          ['dav-put-new', dav('PUT', `/webdav/main/flip/dnew${i}.md`, {}, `dav new ${i}\n`)],
          ['dav-delete', dav('DELETE', `/webdav/main/flip/ddel${i}.md`)],
          ['dav-move-out', dav('MOVE', `/webdav/main/flip/dmv${i}.md`, { destination: `/webdav/main/dmoved/dmv${i}.md` })],
          ['dav-move-in', dav('MOVE', `/webdav/main/dsrc${i}.md`, { destination: `/webdav/main/flip/dmvin${i}.md` })],
          ['dav-copy-out', dav('COPY', `/webdav/main/flip/dcp${i}.md`, { destination: `/webdav/main/dcopied-${i}.md` })],
          ['dav-copy-in', dav('COPY', `/webdav/main/msrc${i}.md`, { destination: `/webdav/main/flip/dcpin${i}.md` })],
          ['dav-mkcol', dav('MKCOL', `/webdav/main/flip/col${i}`)],
          ['dav-propfind', dav('PROPFIND', '/webdav/main/flip/', { depth: '1' })],
          ['dav-get', dav('GET', '/webdav/main/flip/secret.md')],
          ['dav-get-note', dav('GET', `/webdav/main/flip/dcp${(i + 1) % DAV_ROUNDS}.md`)],
          ['note-put', t.json('PUT', `/main/knowledge/entities/flip/nput${i}`, { title: `nput${i}`, folder: 'flip', content: `replaced ${i}\n` })
            .then((r) => ({ status: r.status, text: JSON.stringify(r.body) }))],
          ['note-patch', t.json('PATCH', `/main/knowledge/entities/flip/npatch${i}`, { operation: 'append', content: `appended ${i}` })
            .then((r) => ({ status: r.status, text: JSON.stringify(r.body) }))],
          ['note-move-in', t.json('POST', '/main/knowledge/move', { identifier: `msrc${i}.md`, destination_path: `flip/min${i}.md` })
            .then((r) => ({ status: r.status, text: JSON.stringify(r.body) }))],
          ['import', importMemoryJson('flip', `imp${i}`)],
          // A file refused mid-stream (its folder became a link after the walk) cuts the download off: the
          // client sees a broken transfer, never a silently short archive; recorded as status 0. When the first
          // file is the one refused, the connection is cut before the answer's head (fetch: "fetch failed").
          ['zip', t.request('GET', '/main/archive.zip?folder=flip').then(async (r) => ({ status: r.status, text: Buffer.from(await r.arrayBuffer()).toString('latin1') }))
            .catch((e: Error) => { if (/terminated|fetch failed/.test(e.message)) return { status: 0, text: '' }; throw e; })],
        ];
        const results = await Promise.all(ops.map(async ([op, p]) => [op, await p.catch((e: Error) => { throw new Error(`round ${i} ${op}: ${e.message}\n${t.stderr().split('\n').slice(-8).join('\n')}`); })] as const));
        for (const [op, r] of results) {
          seen(op, r.status);
          assert.ok(r.status < 500, `round ${i} ${op}: ${r.status} ${r.text.slice(0, 300)}\n${t.stderr().split('\n').filter((l) => l.includes('"level":50')).slice(-2).join('\n')}`);
          assert.ok(!r.text.includes('OUTSIDE'), `round ${i} ${op} revealed outside content`);
          // (dav-get asks for that name itself: its 404 names it)
          if (op !== 'dav-get') assert.ok(!r.text.includes('secret.md'), `round ${i} ${op} revealed an outside name`);
        }
        assert.equal(snapshot(outside), before, `round ${i}: the outside folder changed (${summary()})`);
      }
    } finally {
      clearInterval(sampler);
      flipper.kill('SIGKILL');
      await new Promise((r) => flipper!.once('exit', r));
    }
    assert.equal(snapshot(outside), before);
    // What was copied or moved out of `flip/` holds inside content only (a followed link would have copied the outside twin).
    for (const f of fs.readdirSync(path.join(dataDir, 'main')).filter((n) => n.startsWith('dcopied-'))) {
      assert.doesNotMatch(fs.readFileSync(path.join(dataDir, 'main', f), 'utf8'), /OUTSIDE/, `${f} holds outside content`);
    }
    assert.ok(flips > 0, 'the flipper never had the symlink in place during the rounds: the race was not exercised');
    const refused = [...statuses.values()].some((s) => s.has(400));
    assert.ok(refused, `no operation ever met the symlink: ${summary()}`);
  });
});
