// The note history's diff: added/removed counts, unchanged runs folded to the context around each change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineDiff } from '../../lib/snapshots/line-diff.ts';

test('a changed line among many unchanged: one removal, one addition, the rest folded', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const after = before.replace('line 10\n', 'line ten\n');
  const d = lineDiff(before, after, 2);
  assert.equal(d.added, 1);
  assert.equal(d.removed, 1);
  assert.deepEqual(d.lines.filter((l) => l.kind === 'del'), [{ kind: 'del', text: 'line 10' }]);
  assert.deepEqual(d.lines.filter((l) => l.kind === 'add'), [{ kind: 'add', text: 'line ten' }]);
  assert.deepEqual(d.lines[0], { kind: 'fold', count: 8 });
  assert.deepEqual(d.lines.at(-1), { kind: 'fold', count: 7 });
  assert.equal(d.lines.filter((l) => l.kind === 'same').length, 4);
});

test('identical texts: nothing added or removed', () => {
  const d = lineDiff('a\nb\n', 'a\nb\n');
  assert.equal(d.added + d.removed, 0);
});
