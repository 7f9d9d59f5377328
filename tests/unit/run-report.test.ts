// The run DTO and the full run report, rendered on the server: names behind every count, capped path
// lists saying how many more, skipped files with reason and first/last failure, problems grouped by kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { RunReport } from '../../components/runs/run-report.tsx';
import type { SyncRunRow } from '../../lib/db/schema.ts';
import { toRunDetailDto } from '../../lib/sync-health/run-dto.ts';

const row: SyncRunRow = {
  tenantId: 't', runId: 'r1', instanceId: 'i', kind: 'sync', project: 'notes', trigger: 'force', scanType: 'full_forced', status: 'ok', mode: null,
  startedAt: new Date('2026-12-01T10:00:00Z'), finishedAt: new Date('2026-12-01T10:00:01Z'), durationMs: 453, scanMs: 200, applyMs: 250,
  filesScanned: 2621, newCount: 30, modifiedCount: 0, deletedCount: 0, movedCount: 1, skippedCount: 1, errorCount: 1, changed: true,
  errors: [{ path: 'x.md', message: 'EIO: i/o error, read' }],
  skippedFiles: [{ path: 'bad.md', reason: 'failed 3 times: boom', failure_count: 3, first_failed: '2026-11-30T09:00:00.000Z' }, { nonsense: true }],
  warnings: [{ path: 'a.md', message: 'malformed YAML frontmatter: x' }, { path: 'b.md', message: 'malformed YAML frontmatter: y' }, { path: 'c.md', message: 'invalid UTF-8' }],
  changes: { new: Array.from({ length: 30 }, (_, i) => `n${i}.md`), modified: [], deleted: [], moves: { 'old.md': 'new.md' }, truncated: false },
  peakRssBytes: 50 * 1024 * 1024, collectedAt: new Date(),
};

test('detail DTO: malformed entries dropped, last failure attached, summary with warnings', () => {
  const dto = toRunDetailDto(row, new Map([['bad.md', new Date('2026-11-30T09:02:00Z')]]));
  assert.equal(dto.skipped_files.length, 1);
  assert.equal(dto.skipped_files[0]!.last_failed, '2026-11-30T09:02:00.000Z');
  assert.equal(dto.summary, '2,621 files checked in 453 ms: 30 new, 1 moved, 1 skipped, 1 error, 3 warnings');
  assert.equal(dto.changes!.moves['old.md'], 'new.md');
});

test('report: summary first, every name shown, capped list says how many more, problems grouped by kind', () => {
  const html = renderToStaticMarkup(h(RunReport, { run: toRunDetailDto(row, new Map([['bad.md', new Date('2026-11-30T09:02:00Z')]])) }));
  assert.ok(html.indexOf('data-testid="run-summary"') < html.indexOf('data-testid="skipped-files"'));
  assert.match(html, /bad\.md<\/td><td[^>]*>failed 3 times: boom<\/td><td[^>]*>3<\/td><td[^>]*>2026-11-30 09:00:00.000 UTC<\/td><td[^>]*>2026-11-30 09:02:00.000 UTC/);
  assert.match(html, /n19\.md/);
  assert.doesNotMatch(html, /n20\.md/);
  assert.match(html, /and 10 more not listed/);
  assert.match(html, /old\.md → new\.md/);
  assert.match(html, /malformed YAML frontmatter — 2/);
  assert.match(html, /invalid UTF-8 — 1/);
  assert.match(html, /x\.md/);
  assert.match(html, /every file was read and re-hashed/);
});
