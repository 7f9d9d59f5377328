import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunFilters, runFiltersToQuery } from '../../lib/sync-health/run-filters.ts';

const NOW = new Date('2026-12-01T12:00:00Z');

test('defaults: last 24 hours, page 1, no notices', () => {
  const { filters, notices } = parseRunFilters(new URLSearchParams(), NOW);
  assert.deepEqual(notices, []);
  assert.equal(filters.range, '24h');
  assert.equal(filters.page, 1);
  assert.equal(filters.to.getTime() - filters.from.getTime(), 86400e3);
  assert.equal(filters.outcome, null);
});

test('valid filters including the unsuccessful group and each range', () => {
  const { filters, notices } = parseRunFilters({ outcome: 'unsuccessful', scan_type: 'full_forced', trigger: 'api', range: '1h', page: '3' }, NOW);
  assert.deepEqual(notices, []);
  assert.deepEqual([filters.outcome, filters.scanType, filters.trigger, filters.range, filters.page], ['unsuccessful', 'full_forced', 'api', '1h', 3]);
  assert.equal(filters.from.toISOString(), '2026-12-01T11:00:00.000Z');
  for (const [r, ms] of [['7d', 7 * 86400e3], ['30d', 30 * 86400e3]] as const) {
    const p = parseRunFilters({ range: r }, NOW).filters;
    assert.equal(p.to.getTime() - p.from.getTime(), ms);
  }
});

test('custom range; malformed values are ignored and reported, never thrown', () => {
  const c = parseRunFilters({ range: 'custom', from: '2026-11-30', to: '2026-12-01T06:00:00Z' }, NOW);
  assert.deepEqual(c.notices, []);
  assert.equal(c.filters.range, 'custom');
  assert.equal(c.filters.from.toISOString(), '2026-11-30T00:00:00.000Z');

  const bad = parseRunFilters({ outcome: 'exploded', scan_type: "x'; drop table", trigger: '', range: '5y', page: '-2' }, NOW);
  assert.equal(bad.filters.outcome, null);
  assert.equal(bad.filters.scanType, null);
  assert.equal(bad.filters.range, '24h');
  assert.equal(bad.filters.page, 1);
  assert.equal(bad.notices.length, 4, bad.notices.join('\n'));
  assert.match(bad.notices[0]!, /outcome="exploded"/);

  const noFrom = parseRunFilters({ range: 'custom' }, NOW);
  assert.equal(noFrom.filters.range, '24h');
  assert.match(noFrom.notices[0]!, /needs from/);
  const reversed = parseRunFilters({ range: 'custom', from: '2026-12-01', to: '2026-11-01' }, NOW);
  assert.equal(reversed.filters.range, '24h');
  assert.match(reversed.notices[0]!, /before/);
  const badDate = parseRunFilters({ range: 'custom', from: 'yesterday' }, NOW);
  assert.match(badDate.notices[0]!, /Ignored from="yesterday"/);
});

test('round trip to a query string (defaults left out)', () => {
  const { filters } = parseRunFilters({ outcome: 'failed', range: '7d', page: '2' }, NOW);
  assert.equal(runFiltersToQuery(filters), '?outcome=failed&range=7d&page=2');
  assert.equal(runFiltersToQuery(parseRunFilters({}, NOW).filters), '');
});
