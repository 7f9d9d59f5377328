// One folder level of a snapshot for the browse page: subfolders with their file counts and bytes, files here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { folderLevel } from '../../lib/snapshots/snapshot-tree.ts';

const f = (key: string, size = 10) => ({ key, size, last_modified: '2026-12-07T00:00:00Z' });
const files = [f('main/a.md'), f('main/research/p.md', 5), f('main/research/deep/n.md', 7), f('main/research-old/x.md'), f('other/b.md')];

test('the top level lists projects with their counts', () => {
  const l = folderLevel(files, '');
  assert.deepEqual(l.folders.map((x) => [x.key, x.files, x.bytes]), [['main', 4, 32], ['other', 1, 10]]);
  assert.deepEqual(l.files, []);
  assert.equal(l.total, 5);
});

test('a folder lists its subfolders and its own files; a sibling with a longer name is not inside it', () => {
  const l = folderLevel(files, 'main/research');
  assert.deepEqual(l.folders.map((x) => [x.key, x.files]), [['main/research/deep', 1]]);
  assert.deepEqual(l.files.map((x) => x.key), ['main/research/p.md']);
  assert.equal(l.total, 2);
});
