// Recent activity from the tenant's GraphContext: entities only, once each, in the tenant's order; the
// tree's updated_at replaces upstream's created_at where the tree knows the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recentFromContext, withTreeTimes } from '../../lib/notes/project-recent.ts';

const ctx = {
  results: [
    { primary_result: { type: 'entity', file_path: 'b.md', title: 'B', permalink: 'b', created_at: '2026-01-02T00:00:00Z' },
      observations: [{}, {}], related_results: [{ type: 'relation' }, { type: 'entity' }, { type: 'relation' }] },
    { primary_result: { type: 'relation', file_path: 'b.md', title: 'links_to: A', created_at: '2026-01-02T00:00:00Z' }, observations: [], related_results: [] },
    { primary_result: { type: 'entity', file_path: 'a.md', title: 'A', permalink: null, created_at: '2026-01-01T00:00:00Z' }, observations: [], related_results: [] },
    { primary_result: { type: 'entity', file_path: 'b.md', title: 'B again', created_at: '2026-01-02T00:00:00Z' }, observations: [], related_results: [] },
  ],
};

test('recentFromContext keeps entities once, in order, with their counts', () => {
  const items = recentFromContext(ctx);
  assert.deepEqual(items.map((i) => [i.filePath, i.title, i.observations, i.relations, i.atKind]), [
    ['b.md', 'B', 2, 2, 'created'],
    ['a.md', 'A', 0, 0, 'created'],
  ]);
});

test('withTreeTimes shows the index modification time when the tree has it', () => {
  const items = withTreeTimes(recentFromContext(ctx), [
    { name: 'a.md', type: 'file', file_path: 'a.md', directory_path: '/a.md', updated_at: '2026-03-01T00:00:00Z' },
  ]);
  assert.equal(items[1]!.at, '2026-03-01T00:00:00Z');
  assert.equal(items[1]!.atKind, 'updated');
  assert.equal(items[0]!.at, '2026-01-02T00:00:00Z');
  assert.equal(items[0]!.atKind, 'created');
});
