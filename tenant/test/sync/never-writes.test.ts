import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixture, sha, write } from './helpers.ts';

function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else { const st = fs.lstatSync(p); out.push(`${path.relative(root, p)} ${st.mtimeMs} ${st.size} ${st.ino} ${sha(fs.readFileSync(p))}`); }
    }
  };
  walk(root);
  return out.sort();
}

describe('sync never writes a user file', () => {
  it('leaves every byte, mtime and inode alone (notes without frontmatter or permalink, duplicates, bad files)', async () => {
    const f = fixture();
    try {
      write(f.root, 'no-frontmatter.md', '# Just text\n\n- [idea] x\n');
      write(f.root, 'no-permalink.md', '---\ntitle: Has no permalink\n---\nbody\n');
      write(f.root, 'a b.md', 'same permalink as a-b');
      write(f.root, 'a-b.md', 'same permalink as a b');
      write(f.root, 'broken.md', '---\n: [\n---\n');
      write(f.root, 'bin.pdf', Buffer.alloc(5000, 3));
      const before = snapshot(f.root);
      await f.engine.sync('main', { trigger: 'api' });
      await f.engine.sync('main', { trigger: 'force', force: true });
      await f.engine.scan('main');
      assert.deepEqual(snapshot(f.root), before);
    } finally { f.cleanup(); }
  });
});

describe('permalinks are unique per project', () => {
  it('path-derived collisions get -1, -2; a frontmatter permalink wins when free; the index keeps them stable', async () => {
    const f = fixture();
    try {
      write(f.root, 'a b.md', 'x');
      write(f.root, 'a-b.md', 'y');
      write(f.root, 'a_b.md', 'z');
      write(f.root, 'custom.md', '---\npermalink: Special/Place\n---\n');
      write(f.root, 'taken.md', '---\npermalink: custom\n---\n');
      await f.engine.sync('main', { trigger: 'api' });
      const pl = (p: string) => f.engine.getEntity('main', p)!.permalink;
      assert.deepEqual(['a b.md', 'a-b.md', 'a_b.md'].map(pl).sort(), ['a-b', 'a-b-1', 'a-b-2']);
      assert.equal(pl('custom.md'), 'special/place');
      assert.equal(pl('taken.md'), 'custom');
      const before = ['a b.md', 'a-b.md', 'a_b.md'].map(pl);
      write(f.root, 'a-b.md', 'edited');
      await f.engine.sync('main', { trigger: 'api' });
      assert.deepEqual(['a b.md', 'a-b.md', 'a_b.md'].map(pl), before);
    } finally { f.cleanup(); }
  });
});
