// Files the engine could not read fully stay a current problem until they are fixed or gone, not only in the run
// that first met them: parse warnings (broken frontmatter, invalid UTF-8) and failures (retried, then skipped).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixture, write } from './helpers.ts';

describe('current problems of a project', () => {
  it('lists broken frontmatter and invalid UTF-8 after later runs that did not touch them, until fixed', async () => {
    const f = fixture({ racyWindowMs: 0 });
    try {
      write(f.root, 'good.md', '---\ntitle: Good\n---\n\nfine\n');
      write(f.root, 'broken.md', '---\ntitle: [unclosed\n---\n\nbody\n');
      write(f.root, 'latin1.md', Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]));
      await f.engine.sync('main', { trigger: 'api' });
      write(f.root, 'other.md', '# other\n');
      await f.engine.sync('main', { trigger: 'api' }); // a later run that does not read the broken files again
      await f.engine.sync('main', { trigger: 'api' });
      const p = f.engine.currentProblems('main');
      assert.deepEqual(p.files.map((x) => [x.path, x.kind]), [['broken.md', 'warning'], ['latin1.md', 'warning']]);
      assert.match(p.files[0]!.message, /frontmatter/i);
      assert.match(p.files[1]!.message, /UTF-8/);
      assert.equal(p.warnings, 2);
      const since = p.files[0]!.since;
      f.reopen();
      assert.equal(f.engine.currentProblems('main').files[0]!.since, since, 'kept across a restart, with the time it was first seen');
      write(f.root, 'broken.md', '---\ntitle: Fixed\n---\n\nbody\n');
      fs.rmSync(path.join(f.root, 'latin1.md'));
      await f.engine.sync('main', { trigger: 'api' });
      assert.deepEqual(f.engine.currentProblems('main'), { project: 'main', errors: 0, skipped: 0, warnings: 0, files: [] });
    } finally { f.cleanup(); }
  });

  it('a file that fails to index is an error, then skipped by the circuit breaker, and stays listed until it changes', async () => {
    const failing = new Set(['bad.md']);
    const f = fixture({ racyWindowMs: 0, hooks: { beforeIndexFile: (rel: string) => { if (failing.has(rel)) throw new Error('simulated parse crash'); } } });
    try {
      write(f.root, 'bad.md', '# bad\n');
      await f.engine.sync('main', { trigger: 'api' });
      assert.deepEqual(f.engine.currentProblems('main').files.map((x) => [x.path, x.kind, x.failure_count]), [['bad.md', 'error', 1]]);
      for (let i = 0; i < 4; i++) await f.engine.sync('main', { trigger: 'api' });
      const p = f.engine.currentProblems('main');
      assert.deepEqual(p.files.map((x) => [x.path, x.kind]), [['bad.md', 'skipped']]);
      assert.equal(p.skipped, 1);
      assert.match(p.files[0]!.message, /simulated parse crash/);
      failing.clear();
      write(f.root, 'bad.md', '# bad, fixed\n');
      await f.engine.sync('main', { trigger: 'api' });
      assert.deepEqual(f.engine.currentProblems('main').files, []);
    } finally { f.cleanup(); }
  });
});
