// Class 1 of the hardening: no file operation can be steered outside its project, even under a race.
// A separate process flips the folder `main/flip` between a real directory and a symlink to a folder outside
// the data dir as fast as it can, while writes, uploads, moves, deletes and reads aimed at `flip/…` run through
// the real tenant process. After every round the outside folder must be byte-for-byte what it was, and no read
// may ever return its content.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const ROUNDS = 40;
const tmp = tempDir('bm-race-');
const dataDir = path.join(tmp, 'data');
const outside = path.join(tmp, 'outside');
const flip = path.join(dataDir, 'main', 'flip');
let t: Tenant;
let flipper: ChildProcess | null = null;

function snapshot(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      h.update(`${path.relative(dir, p)}|${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'}|${st.size}|${st.mtimeMs}|${st.ino}\n`);
      if (st.isFile()) h.update(fs.readFileSync(p));
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return h.digest('hex');
}

// The flipper: a tight loop in its own process (its own event loop, so it really races the tenant).
const FLIPPER = `
const fs = require('node:fs');
const [flip, outside] = process.argv.slice(1);
let n = 0; const asides = [];
for (;;) {
  try {
    const st = fs.lstatSync(flip, { throwIfNoEntry: false });
    if (st && st.isDirectory()) { const a = flip.replace(/flip$/, '.aside-' + (n++)); fs.renameSync(flip, a); asides.push(a); fs.symlinkSync(outside, flip); }
    else if (st && st.isSymbolicLink()) { fs.unlinkSync(flip); const a = asides.pop(); if (a) fs.renameSync(a, flip); }
    else if (!st) { const a = asides.pop(); if (a) fs.renameSync(a, flip); else fs.symlinkSync(outside, flip); }
  } catch {}
}`;

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
});

after(async () => {
  flipper?.kill('SIGKILL');
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('confinement under a folder ⇄ symlink race', () => {
  test(`${ROUNDS} rounds of writes, uploads, moves, deletes and reads never touch or reveal the outside`, { timeout: 300_000 }, async () => {
    const before = snapshot(outside);
    flipper = spawn(process.execPath, ['-e', FLIPPER, flip, outside], { stdio: 'ignore' });
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
});
