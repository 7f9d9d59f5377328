// The bench's verdict and memory-flatness lines (the bench itself is run by hand: npm run bench:sync).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flatnessLines, verdictLines, type PresetResult } from '../../bench/bench-report.ts';

const results: PresetResult[] = [
  { preset: 'small', files: 120, initialMs: 31, nochangeMs: 2, peakRssMB: 97 },
  { preset: 'seed-tenant', files: 2621, initialMs: 453, nochangeMs: 28, peakRssMB: 126 },
  { preset: 'large', files: 20000, initialMs: 3238, nochangeMs: 205, peakRssMB: 218 },
  { preset: 'huge', files: 100000, initialMs: 17978, nochangeMs: 1059, peakRssMB: 246 },
];

describe('bench report', () => {
  test('the verdict checks every target, the huge peak RSS (≤ 300 MB) included', () => {
    const v = verdictLines(results);
    assert.equal(v.ok, true);
    assert.equal(v.lines.length, 3, 'small has no targets');
    assert.match(v.lines.find((l) => l.includes('huge'))!, /peak RSS 246 MB ≤ 300 ✓/);
    const heavy = verdictLines(results.map((r) => (r.preset === 'huge' ? { ...r, peakRssMB: 301 } : r)));
    assert.equal(heavy.ok, false);
    assert.match(heavy.lines.find((l) => l.includes('huge'))!, /peak RSS 301 MB ≤ 300 ✗/);
    assert.equal(verdictLines(results.map((r) => (r.preset === 'large' ? { ...r, nochangeMs: NaN } : r))).ok, false, 'a missing figure is not a pass');
  });

  test('memory flatness: MB per 10k files between presets, large → huge called out', () => {
    const lines = flatnessLines(results);
    assert.match(lines.join('\n'), /large → huge: \+28 MB for \+80,000 files = 3\.5 MB per 10k files/);
    assert.match(lines.join('\n'), /memory flatness \(large → huge\): 3\.5 MB per 10k files \(5\.0× the files, 1\.13× the peak RSS\)/);
    assert.deepEqual(flatnessLines(results.slice(0, 1)), ['  memory flatness: needs two presets or more']);
  });
});
