// The sync scan under a folder ⇄ symlink race: `main/flip` is swapped for a symlink to a folder outside the data
// dir (holding a secret note, twins of the inside names and names only it has) and back, as fast as another
// process can, while syncs, forced syncs, dry-run scans and search reindexes run. After every round nothing of
// the outside may be in the index, the search, a scan report or a message: not its text, not its checksums, not
// its own names; and the outside folder is untouched.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { flipperRunning, snapshot, startFlipper, stopFlipper } from '../process/folder-flipper.ts';
import { fixture, sha, write } from './helpers.ts';

const ROUNDS = 30;
const INSIDE_NOTES = 120;
const SECRET = 'outsidesecrettoken';

describe('sync scan confinement under a folder ⇄ symlink race', () => {
  const f = fixture();
  const outside = path.join(f.dir, 'outside');
  const flip = path.join(f.root, 'flip');
  let flipper: ChildProcess | null = null;
  after(async () => { if (flipper) await stopFlipper(flipper, flip); f.cleanup(); });

  test(`${ROUNDS} rounds of syncs, scans and reindexes never index, report or read the outside`, { timeout: 300_000 }, async () => {
    for (let i = 0; i < INSIDE_NOTES; i++) write(flip, `n${i}.md`, `# Inside ${i}\n\ninside text ${i}\n`);
    write(f.root, 'top.md', '# Top\n');
    // twins: same names as inside (a followed link would index the outside bytes under the inside path), plus
    // names only the outside has, and the secret note
    for (let i = 0; i < INSIDE_NOTES; i++) write(outside, `n${i}.md`, `# Twin ${i}\n\n${SECRET} twin ${i}\n`);
    for (let i = 0; i < 20; i++) write(outside, `only-outside-${i}.md`, `# Only outside ${i}\n\n${SECRET} ${i}\n`);
    write(outside, 'deep/secret.md', `# Secret\n\n${SECRET}\n`);
    const outsideSums = new Set<string>();
    const outsideNames: string[] = [];
    const collect = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) { outsideNames.push(e.name); collect(p); } else { outsideSums.add(sha(fs.readFileSync(p))); if (!/^n\d+\.md$/.test(e.name)) outsideNames.push(e.name); }
      }
    };
    collect(outside);
    const before = snapshot(outside);
    const first = await f.engine.sync('main', { trigger: 'api' });
    assert.equal(first.new, INSIDE_NOTES + 1);

    const violations: string[] = [];
    const check = (round: number, what: string, value: unknown) => {
      const text = JSON.stringify(value);
      if (text.includes(SECRET)) violations.push(`round ${round}: ${what} holds the outside text`);
      for (const n of outsideNames) if (text.includes(n)) violations.push(`round ${round}: ${what} names '${n}', which only the outside has`);
    };
    flipper = startFlipper(flip, outside);
    await flipperRunning(flip);
    let refusals = 0;
    let linkSeen = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const runs = [
        await f.engine.sync('main', { trigger: 'api' }),
        await f.engine.sync('main', { trigger: 'force', force: true }),
      ];
      if (fs.lstatSync(flip, { throwIfNoEntry: false })?.isSymbolicLink()) linkSeen++;
      const dry = await f.engine.scan('main');
      await f.engine.reindexSearch('main');
      for (const r of runs) {
        assert.equal(r.status, 'ok', `round ${round}: ${JSON.stringify(r.errors)}`);
        check(round, 'a sync run', r);
        refusals += r.errors.filter((e) => /refused|symbolic link/.test(e.message)).length;
      }
      check(round, 'the dry-run scan', dry);
      for (const sum of Object.values(dry.checksums)) if (outsideSums.has(sum)) violations.push(`round ${round}: the dry-run scan hashed an outside file`);
      const indexed = f.engine.indexedFiles('main');
      check(round, 'the index', indexed.map((x) => x.file_path));
      for (const x of indexed) if (x.checksum && outsideSums.has(x.checksum)) violations.push(`round ${round}: '${x.file_path}' is indexed with an outside file's bytes`);
      const hits = f.engine.search('main', { text: SECRET, page: 1, page_size: 10 });
      if (hits.results.length) violations.push(`round ${round}: the outside text is searchable (${hits.results.map((h) => h.file_path ?? h.permalink).join(', ')})`);
      assert.deepEqual(violations, []);
      if (snapshot(outside) !== before) assert.fail(`round ${round}: the outside folder changed`);
    }
    await stopFlipper(flipper, flip);
    flipper = null;
    // the race was real: the link was in place at some checks, or the scan met it and refused it
    assert.ok(linkSeen + refusals > 0, 'the flipper never had the symlink in place: the race was not exercised');
    // and once it stops, the real folder is indexed whole again (a refusal is not the file's fault: no circuit breaker)
    const settled = await f.engine.sync('main', { trigger: 'api' });
    assert.equal(settled.status, 'ok');
    assert.deepEqual(settled.skipped_files, []);
    assert.equal(f.engine.indexedFiles('main').length, INSIDE_NOTES + 1);
    assert.equal(snapshot(outside), before);
    console.log(`# ${ROUNDS} rounds: link in place at ${linkSeen} checks; ${refusals} reads or listings refused by the scan`);
  });
});
