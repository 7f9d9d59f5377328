import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixture, write } from './helpers.ts';

describe('ignore rules', () => {
  it('skips .bmignore defaults, hidden files/folders and the project .gitignore', async () => {
    const f = fixture();
    try {
      for (const rel of ['keep.md', 'sub/keep2.md', 'docs/readme.txt']) write(f.root, rel, 'x');
      for (const rel of ['.hidden.md', '.obsidian/app.json', '.git/HEAD', 'node_modules/pkg/index.md', 'build/out.md', 'notes.tmp',
        'x.md~', 'data.db', 'config.json', 'sub/__pycache__/a.pyc', 'sub/.DS_Store', 'private/secret.md', 'drafts/a.draft.md', 'dist/x.md'])
        write(f.root, rel, 'ignored');
      write(f.root, '.gitignore', 'private/\n*.draft.md\n');
      const r = await f.engine.sync('main', { trigger: 'api' });
      assert.equal(r.files_scanned, 3);
      assert.deepEqual(f.engine.indexedFiles('main').map((x) => x.file_path), ['docs/readme.txt', 'keep.md', 'sub/keep2.md']);
    } finally { f.cleanup(); }
  });

  it('never follows symlinks (they could lead outside the project)', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', 'x');
      const outside = path.join(f.dir, 'outside');
      write(outside, 'secret.md', 'secret');
      fs.symlinkSync(outside, path.join(f.root, 'link-dir'));
      fs.symlinkSync(path.join(outside, 'secret.md'), path.join(f.root, 'link.md'));
      await f.engine.sync('main', { trigger: 'api' });
      assert.deepEqual(f.engine.indexedFiles('main').map((x) => x.file_path), ['a.md']);
    } finally { f.cleanup(); }
  });
});

describe('circuit breaker', () => {
  it('skips a file after 3 failures until it changes, persisted across a restart', async () => {
    const failing = new Set(['bad.md']);
    const hooks = { beforeIndexFile: (rel: string) => { if (failing.has(rel)) throw new Error('simulated parse crash'); } };
    const f = fixture({ hooks, racyWindowMs: 0 });
    try {
      write(f.root, 'good.md', 'fine');
      write(f.root, 'bad.md', 'poison');
      for (let i = 1; i <= 3; i++) {
        const r = await f.engine.sync('main', { trigger: 'api' });
        assert.equal(r.status, 'ok');
        assert.equal(r.errors.length, 1, `run ${i}`);
        assert.equal(r.errors[0]!.path, 'bad.md');
        assert.equal(r.skipped, 0);
      }
      f.reopen();
      const r4 = await f.engine.sync('main', { trigger: 'api' });
      assert.equal(r4.errors.length, 0);
      assert.equal(r4.skipped, 1);
      assert.equal(r4.skipped_files[0]!.path, 'bad.md');
      assert.equal(r4.skipped_files[0]!.failure_count, 3);
      assert.match(r4.skipped_files[0]!.reason, /simulated parse crash/);
      assert.deepEqual(r4.report!.skipped_files.map((s) => s.path), ['bad.md']);
      assert.deepEqual(f.engine.indexedFiles('main').map((x) => x.file_path), ['good.md']);
      // the file changes → tried again; it is fixed now → indexed, breaker cleared
      failing.clear();
      write(f.root, 'bad.md', 'poison, fixed');
      const r5 = await f.engine.sync('main', { trigger: 'api' });
      assert.equal(r5.skipped, 0);
      assert.equal(r5.new, 1);
      assert.deepEqual(f.engine.indexedFiles('main').map((x) => x.file_path), ['bad.md', 'good.md']);
    } finally { f.cleanup(); }
  });
});

describe('bad markdown is indexed as well as possible, never fatal', () => {
  it('broken YAML, a 10 MB single line, binary junk named .md, invalid UTF-8', async () => {
    const f = fixture();
    try {
      write(f.root, 'broken-yaml.md', '---\ntitle: [unclosed\n  : : bad\n---\n\n# Body survives\n\n- [fact] still parsed #ok\n');
      write(f.root, 'huge-line.md', `---\ntitle: Huge\n---\n${'word '.repeat(2 * 1024 * 1024)}\n- [idea] after the long line\n`);
      const junk = Buffer.alloc(4096);
      for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) & 0xff;
      write(f.root, 'junk.md', junk);
      write(f.root, 'latin1.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x3a, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a, 0x2d, 0x2d, 0x2d, 0x0a, 0x62, 0x6f, 0x64, 0x79, 0x0a]));
      write(f.root, 'no-close.md', '---\ntitle: never closed\n\nbody');
      const t = performance.now();
      const r = await f.engine.sync('main', { trigger: 'api' });
      assert.ok(performance.now() - t < 20000);
      assert.equal(r.status, 'ok');
      assert.equal(r.new, 5);
      assert.equal(r.errors.length, 0);
      const warned = new Set(r.warnings!.map((w) => w.path));
      for (const p of ['broken-yaml.md', 'huge-line.md', 'junk.md', 'latin1.md', 'no-close.md']) assert.ok(warned.has(p), `warning for ${p}`);
      const broken = f.engine.getEntity('main', 'broken-yaml.md')!;
      assert.equal(broken.title, 'broken-yaml');
      assert.equal(broken.observations.length, 1);
      assert.equal(f.engine.getEntity('main', 'huge-line.md')!.title, 'Huge');
      assert.equal(f.engine.getEntity('main', 'huge-line.md')!.observations.length, 1);
      assert.equal(f.engine.getEntity('main', 'junk.md')!.title, 'junk');
      assert.ok(f.engine.search('main', { text: 'Body survives', page: 1, page_size: 5 }).results.some((x) => x.file_path === 'broken-yaml.md'));
    } finally { f.cleanup(); }
  });
});
