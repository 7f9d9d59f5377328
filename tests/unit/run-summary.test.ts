import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../lib/format/durations.ts';
import { summarizeRun } from '../../lib/sync-health/run-summary.ts';

const zero = { status: 'ok', filesScanned: 0, durationMs: 0, newCount: 0, modifiedCount: 0, deletedCount: 0, movedCount: 0, skippedCount: 0, errorCount: 0 };

test('the summary sentence: thousands separators, zero counts left out, reading order', () => {
  assert.equal(summarizeRun({ ...zero, filesScanned: 2621, durationMs: 453, newCount: 3, movedCount: 1, skippedCount: 2 }),
    '2,621 files checked in 453 ms: 3 new, 1 moved, 2 skipped');
  assert.equal(summarizeRun({ ...zero, filesScanned: 1, durationMs: 12 }), '1 file checked in 12 ms: no changes');
  assert.equal(summarizeRun({ ...zero, filesScanned: 10, durationMs: 2400, modifiedCount: 1, deletedCount: 2, errorCount: 1, warningCount: 3 }),
    '10 files checked in 2.4 s: 1 modified, 2 deleted, 1 error, 3 warnings');
  assert.equal(summarizeRun({ ...zero, status: 'failed', filesScanned: 0, durationMs: 5, errorCount: 1 }), 'Failed: 0 files checked in 5 ms: 1 error');
});

test('durations', () => {
  assert.equal(formatDuration(999), '999 ms');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(185_000), '3 min 5 s');
  assert.equal(formatDuration(3_720_000), '1 h 2 min');
  assert.equal(formatDuration(-1), '—');
});
