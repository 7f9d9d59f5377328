// The change walk of snapshot sets on real files: what is carried and what is backed up when in doubt (no
// previous set, a unit new to it, a missing or day-old holder, a previous stamp in the future, a change anywhere).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { atTag, carryTag, parseListing, planSet, SET_TAG, type RepoSnapshot } from '../../src/snapshots/snapshot-sets.ts';
import { tempDir } from '../process/tenant-process.ts';

const dir = tempDir('bm-snapplan-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const hour = 3600_000;
const old = new Date(Date.now() - 2 * hour);
function write(rel: string): void {
  const abs = path.join(dir, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, rel);
}
/** A set as `restic snapshots --json` lists it: its own units as paths, its carries and stamp as tags. */
function snap(id: string, at: number, own: string[], carries: [string, string][] = []): RepoSnapshot {
  return { id, short_id: id.slice(0, 8), time: new Date(at).toISOString(), paths: ['/d/.basic-memory', ...own.map((u) => `/d/${u}`)],
    tags: ['kind:manual', `${SET_TAG}${id}`, atTag(at), ...carries.map(([key, u]) => carryTag(key, u))] };
}
const never = () => false;

describe('planSet', () => {
  write('alpha/a.md');
  write('alpha/deep/x.md');
  write('beta/b.md');
  write('loose.md');
  fs.mkdirSync(path.join(dir, '.basic-memory'), { recursive: true });
  for (const e of fs.readdirSync(dir, { recursive: true })) fs.utimesSync(path.join(dir, String(e)), old, old);

  test('no previous set: everything is backed up', async () => {
    const p = await planSet(dir, new Map(), null, Date.now(), never);
    assert.deepEqual(p.changed, ['alpha', 'beta', 'loose.md']);
    assert.equal(p.carried.size, 0);
  });

  test('nothing changed since the previous set: all carried, with their files counted', async () => {
    // the files' ctimes are from just now (a ctime cannot be set back): the set is dated past them and the slack
    const now = Date.now();
    const views = parseListing([snap('aaaa1111', now + 4_000, ['alpha', 'beta', 'loose.md'])]);
    const prev = views.get('aaaa1111')!;
    const p = await planSet(dir, views, prev, now + 10_000, never);
    assert.deepEqual(p.changed, []);
    assert.deepEqual([...p.carried.keys()].sort(), ['alpha', 'beta', 'loose.md']);
    assert.equal(p.carriedFiles, 4);
  });

  test('when in doubt it backs up: a unit new to the set, a missing holder, a day-old holder, a stamp in the future', async () => {
    const now = Date.now() + 10_000;
    const holderAt = now - 25 * hour;
    const views = parseListing([
      snap('bbbb2222', holderAt, ['beta']),
      snap('cccc3333', now - 1000, [], [['bbbb2222', 'beta'], ['gone', 'alpha']]),
    ]);
    const p = await planSet(dir, views, views.get('cccc3333')!, now, never);
    assert.deepEqual(p.changed, ['alpha', 'beta', 'loose.md'], 'alpha: holder missing; beta: holder a day old; loose.md: not in the set');
    assert.equal(p.parent, 'bbbb2222', 'the holder of most changed units');
    const future = parseListing([snap('dddd4444', now + hour, ['alpha', 'beta', 'loose.md'])]);
    assert.deepEqual((await planSet(dir, future, future.get('dddd4444')!, now, never)).changed, ['alpha', 'beta', 'loose.md']);
  });

  test('a change anywhere in a unit (a new file deep inside) backs that unit up and carries the others', async () => {
    // past the clock slack after the files' ctimes, a set is taken; then a file appears deep inside alpha
    await sleep(2_200);
    const at = Date.now();
    const views = parseListing([snap('eeee5555', at, ['alpha', 'beta', 'loose.md'])]);
    write('alpha/deep/new.md');
    const p = await planSet(dir, views, views.get('eeee5555')!, Date.now(), never);
    assert.deepEqual(p.changed, ['alpha']);
    assert.deepEqual([...p.carried.keys()].sort(), ['beta', 'loose.md']);
  });
});
