// lib/format: the one way sizes, durations, counts, absolute and relative times are written for people.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUtc } from '../../lib/format/dates.ts';
import { formatDuration } from '../../lib/format/durations.ts';
import { formatCount, formatPercent, plural } from '../../lib/format/plurals.ts';
import { relativeText } from '../../lib/format/relative-time.ts';
import { formatBytes } from '../../lib/format/sizes.ts';

test('sizes: powers of 1024 with IEC names, whatever the page', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(12 * 1024 * 1024), '12.0 MiB');
  assert.equal(formatBytes(2.5 * 1024 ** 3), '2.50 GiB');
  assert.equal(formatBytes(3 * 1024 ** 5), '3072.00 TiB');
  assert.equal(formatBytes(null), '—');
  assert.equal(formatBytes(undefined), '—');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatBytes(Number.NaN), '—');
});

test('durations: ms, s, min and h, and a dash when unknown', () => {
  assert.equal(formatDuration(453), '453 ms');
  assert.equal(formatDuration(2_400), '2.4 s');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(185_000), '3 min 5 s');
  assert.equal(formatDuration(120_000), '2 min');
  assert.equal(formatDuration(3_720_000), '1 h 2 min');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(-5), '—');
});

test('counts and plurals: digit grouping, the singular only for exactly one', () => {
  assert.equal(formatCount(1204), '1,204');
  assert.equal(plural(1, 'file'), '1 file');
  assert.equal(plural(0, 'file'), '0 files');
  assert.equal(plural(1204, 'observation'), '1,204 observations');
  assert.equal(plural(2, 'entry', 'entries'), '2 entries');
});

test('absolute times: UTC, labelled, to the minute or the second', () => {
  assert.equal(formatUtc('2026-12-07T04:58:12.345Z'), '2026-12-07 04:58 UTC');
  assert.equal(formatUtc('2026-12-07T04:58:12.345Z', 'second'), '2026-12-07 04:58:12 UTC');
  assert.equal(formatUtc(new Date('2026-12-07T04:58:12Z')), '2026-12-07 04:58 UTC');
  // another offset is shown in UTC, not copied as written
  assert.equal(formatUtc('2026-12-07T06:58:12+02:00'), '2026-12-07 04:58 UTC');
  assert.equal(formatUtc('not a date'), 'not a date');
});

test('relative times: one wording, past and future, singular day', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  assert.equal(relativeText(ago(3), now), 'just now');
  assert.equal(relativeText(ago(42), now), '42 s ago');
  assert.equal(relativeText(ago(180), now), '3 min ago');
  assert.equal(relativeText(ago(2 * 3600), now), '2 h ago');
  assert.equal(relativeText(ago(86400), now), '1 day ago');
  // 1.6 days rounds to 2: "2 days", never "2 day"
  assert.equal(relativeText(ago(1.6 * 86400), now), '2 days ago');
  assert.equal(relativeText(ago(-600), now), 'in 10 min');
  assert.equal(relativeText('garbage', now), 'garbage');
});

test('percentages: one decimal, two under 1 % so a small share never reads 0.0 %', () => {
  assert.equal(formatPercent(0.125), '12.5 %');
  assert.equal(formatPercent(0), '0.0 %');
  assert.equal(formatPercent(0.0004), '0.04 %');
  assert.equal(formatPercent(1), '100.0 %');
});

test('absolute times to the day: the date alone, still labelled UTC', () => {
  assert.equal(formatUtc('2026-12-07T04:58:12.000Z', 'day'), '2026-12-07 UTC');
  assert.equal(formatUtc(new Date('2026-12-07T23:59:59.000Z'), 'day'), '2026-12-07 UTC');
});
