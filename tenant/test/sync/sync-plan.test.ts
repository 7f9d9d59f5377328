// The plan step on its own: from a scan's findings and the index state to deletions, moves, files to index and
// circuit-breaker skips, with no files and no database. The sync tests cover the same decisions end to end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FailureRow, StoredFile } from '../../src/index/store.ts';
import { MAX_FAILURES, plan, type Candidate, type IndexState, type ScanFindings } from '../../src/sync/sync-plan.ts';

const stat = { size: 10, mtimeMs: 1000, ctimeMs: 1000, ino: 1, birthtimeMs: 1000 };
/** A stored row; `seen` as the scan's walk would flag it. */
const row = (path: string, id: number, checksum: string, seen: boolean): StoredFile =>
  [path, id, checksum, 10, 1000, 1000, id, seen];
const candidate = (rel: string, extra: Partial<Candidate> = {}): Candidate => ({ ...stat, rel, row: undefined, ...extra });
const state = (rows: StoredFile[], extra: Partial<IndexState> = {}): IndexState =>
  ({ stored: new Map(rows.map((r) => [r[0], r])), failures: [], lastFileCount: rows.length, ...extra });
const findings = (candidates: Candidate[], extra: Partial<ScanFindings> = {}): ScanFindings =>
  ({ filesScanned: candidates.length, candidates, unreadableDirs: [], ...extra });

describe('sync plan', () => {
  it('a stored file not seen is deleted; a new and a changed file are indexed', () => {
    const kept = row('kept.md', 1, 'k', true);
    const changed = row('changed.md', 2, 'c', true);
    const index = state([kept, changed, row('gone.md', 3, 'g', false)]);
    const p = plan(findings([candidate('changed.md', { row: changed }), candidate('new.md')], { filesScanned: 3 }), index, { force: false });
    assert.deepEqual(p.deleted, ['gone.md']);
    assert.deepEqual(p.moves, {});
    assert.deepEqual(p.toIndex.map((c) => c.rel), ['changed.md', 'new.md']);
    assert.deepEqual(p.skipped, []);
    assert.equal(p.scanType, 'incremental');
  });

  it('a new file with a gone file\'s checksum is that file, moved: it keeps its row and is not deleted', () => {
    const gone = row('old/a.md', 7, 'same', false);
    const index = state([gone, row('other.md', 8, 'x', false)]);
    const moved = candidate('new/a.md', { checksum: 'same' });
    const p = plan(findings([moved, candidate('fresh.md', { checksum: 'different' })]), index, { force: false });
    assert.deepEqual(p.moves, { 'old/a.md': 'new/a.md' });
    assert.deepEqual(p.deleted, ['other.md']);
    const planned = p.toIndex.find((c) => c.rel === 'new/a.md')!;
    assert.equal(planned.movedFrom, 'old/a.md');
    assert.equal(planned.row, gone);
    assert.equal(moved.movedFrom, undefined, 'the scan\'s candidate is not changed');
    assert.equal(p.toIndex.find((c) => c.rel === 'fresh.md')!.movedFrom, undefined);
  });

  it('two gone files with one checksum pair with two new files, each once', () => {
    const index = state([row('a1.md', 1, 'dup', false), row('a2.md', 2, 'dup', false)]);
    const p = plan(findings([candidate('b1.md', { checksum: 'dup' }), candidate('b2.md', { checksum: 'dup' }), candidate('b3.md', { checksum: 'dup' })]),
      index, { force: false });
    assert.deepEqual(p.moves, { 'a1.md': 'b1.md', 'a2.md': 'b2.md' });
    assert.deepEqual(p.deleted, []);
    assert.equal(p.toIndex.find((c) => c.rel === 'b3.md')!.movedFrom, undefined);
  });

  it('a changed file at a stored path is never taken for a move', () => {
    const kept = row('kept.md', 1, 'old', true);
    const index = state([kept, row('gone.md', 2, 'same', false)]);
    const p = plan(findings([candidate('kept.md', { row: kept, checksum: 'same' })]), index, { force: false });
    assert.deepEqual(p.moves, {});
    assert.deepEqual(p.deleted, ['gone.md']);
  });

  it('stored files under a folder the scan could not read are not deleted', () => {
    const index = state([row('locked/a.md', 1, 'a', false), row('lockedness.md', 2, 'b', false)]);
    const p = plan(findings([], { unreadableDirs: ['locked/'] }), index, { force: false });
    assert.deepEqual(p.deleted, ['lockedness.md']);
  });

  it('the circuit breaker skips a file that failed MAX_FAILURES times with this very stat, and only then', () => {
    const failure = (path: string, count: number, size = stat.size): FailureRow =>
      ({ path, failure_count: count, first_failed: '2026-01-01T00:00:00.000Z', last_error: 'bad bytes', size, mtime_ms: stat.mtimeMs, ctime_ms: stat.ctimeMs });
    const index = state([], { failures: [failure('poison.md', MAX_FAILURES), failure('twice.md', MAX_FAILURES - 1), failure('edited.md', MAX_FAILURES, 99)] });
    const p = plan(findings([candidate('poison.md'), candidate('twice.md'), candidate('edited.md')]), index, { force: false });
    assert.deepEqual(p.toIndex.map((c) => c.rel), ['twice.md', 'edited.md']);
    assert.deepEqual(p.skipped, [{ path: 'poison.md', reason: `failed ${MAX_FAILURES} times: bad bytes`, failure_count: MAX_FAILURES, first_failed: '2026-01-01T00:00:00.000Z' }]);
    assert.deepEqual([...p.failed.keys()].sort(), ['edited.md', 'poison.md', 'twice.md']);
  });

  it('labels the scan type: forced, initial, deletions, incremental', () => {
    const two = state([row('a.md', 1, 'a', true), row('b.md', 2, 'b', true)]);
    assert.equal(plan(findings([], { filesScanned: 2 }), two, { force: true }).scanType, 'full_forced');
    assert.equal(plan(findings([], { filesScanned: 2 }), { ...two, lastFileCount: null }, { force: false }).scanType, 'full_initial');
    assert.equal(plan(findings([], { filesScanned: 1 }), two, { force: false }).scanType, 'full_deletions');
    assert.equal(plan(findings([], { filesScanned: 2 }), two, { force: false }).scanType, 'incremental');
  });
});
