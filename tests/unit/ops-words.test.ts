// The ops overview tells its story in words and tables, not only inside charts: runs per scan type and bucket
// with failures as a table, every rebuild as a row, and one sentence naming scan types, failures and durations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { opsSummary, RebuildChart, RunsChart } from '../../app/(dashboard)/ops/ops-charts.tsx';
import type { ScanTypePercentiles } from '../../lib/db/queries/sync-rollups.ts';
import type { SyncRunView } from '../../lib/db/queries/sync-runs.ts';

const T = (hour: number) => new Date(Date.UTC(2026, 11, 1, hour));
const point = (hour: number, scanType: string, runs: number, failed: number) =>
  ({ bucket: T(hour), scanType, runs, failed, changed: 0, files: 0, durationSumMs: 0, durationMaxMs: 0 });
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

test('runs per scan type and hour: a table row per bucket with runs, scan types as column names, failures counted', () => {
  const html = renderToStaticMarkup(h(RunsChart, {
    series: [point(10, 'incremental', 7, 2), point(10, 'full_forced', 1, 0), point(12, 'incremental', 3, 0), point(12, 'rebuild', 1, 0)] as never,
    from: T(9), to: T(13), bucket: 'hour', drillHref: () => '/ops/runs',
  }));
  const table = /data-testid="runs-table"[\s\S]*?<\/table>/.exec(html)?.[0];
  assert.ok(table, 'a runs table');
  const t = text(table!);
  assert.match(t, /Hour Full \(forced\) Incremental Failed/);
  assert.match(t, /2026-12-01 12:00 UTC 0 3 0/);
  assert.match(t, /2026-12-01 10:00 UTC 1 7 2/);
  assert.doesNotMatch(t, /11:00/, 'hours without runs are left out');
  assert.doesNotMatch(t, /Rebuild/, 'rebuilds have their own table');
});

test('rebuilds: a row each with outcome, duration and files, newest first', () => {
  const run = (hour: number, status: string, durationMs: number, filesScanned: number) =>
    ({ tenantId: `tenant-${hour}-0000`, runId: `r${hour}`, kind: 'rebuild', project: null, trigger: 'startup', scanType: 'rebuild', status, mode: null,
      startedAt: T(hour), finishedAt: T(hour), durationMs, scanMs: 0, filesScanned }) as unknown as SyncRunView;
  const html = renderToStaticMarkup(h(RebuildChart, { rebuilds: [run(8, 'ok', 4200, 2621), run(11, 'failed', 900, 10)] }));
  const rows = [...html.matchAll(/<tr[^>]*data-testid="rebuilds-table-row"[\s\S]*?<\/tr>/g)].map((m) => text(m[0]).trim());
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /^2026-12-01 11:00 UTC tenant-1 failed \(failed\) 900 ms 10$/);
  assert.match(rows[1]!, /^2026-12-01 08:00 UTC tenant-8 ok 4\.2 s 2,621$/);
});

test('one sentence names the scan types, their failures, the slowest p95 and the rebuilds', () => {
  const pct = (scanType: string, runs: number, failed: number, p95Ms: number) => ({ scanType, runs, failed, p50Ms: 1, p95Ms, p99Ms: p95Ms, maxMs: p95Ms, histogram: {}, relativeError: 0.025 }) as unknown as ScanTypePercentiles;
  const s = opsSummary('24h', [pct('incremental', 120, 3, 40), pct('full_forced', 4, 0, 2500)], [{ status: 'ok', durationMs: 5000 } as SyncRunView]);
  assert.equal(s, 'In the last 24h: 124 sync runs — 120 incremental (3 failed), 4 full (forced); 3 failed in all. Slowest scan type at p95: full (forced), about 2.5 s. 1 index rebuild, the longest 5.0 s.');
  assert.equal(opsSummary('7d', [], []), 'No sync runs and no rebuilds in the last 7d.');
});
