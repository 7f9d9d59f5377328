// Snapshot settings are validated like every other (a bad value names the variable), and the schedule's slots
// spread tenants over the interval and repeat once per period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config/index.ts';
import { currentSlotStart, slotOffset } from '../../lib/snapshots/snapshot-scheduler.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-snapcfg-'));

test('snapshot defaults: hourly, kept 24 h / 30 d / 12 weeks, pruned daily, local repository', () => {
  const { snapshots } = loadConfig({ BMC_DATA_DIR: tmp() });
  assert.equal(snapshots.intervalMs, 3_600_000);
  assert.deepEqual([snapshots.keepHourlyHours, snapshots.keepDailyDays, snapshots.keepWeeklyWeeks], [24, 30, 12]);
  assert.equal(snapshots.pruneIntervalMs, 86_400_000);
  assert.equal(snapshots.repositoryTemplate, null);
  assert.equal(snapshots.scheduleEnabled, true);
});

test('bad snapshot settings name the variable', () => {
  try {
    loadConfig({ BMC_DATA_DIR: tmp(), SNAPSHOT_INTERVAL_MINUTES: '1', SNAPSHOT_KEEP_DAILY_DAYS: 'many', SNAPSHOT_REPOSITORY: 's3:https://s3.example/bucket' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    const vars = err.issues.map((i) => i.variable).sort();
    assert.deepEqual(vars, ['SNAPSHOT_INTERVAL_MINUTES', 'SNAPSHOT_KEEP_DAILY_DAYS', 'SNAPSHOT_REPOSITORY']);
    assert.match(err.issues.find((i) => i.variable === 'SNAPSHOT_REPOSITORY')!.message, /\{tenant\}/);
  }
  const ok = loadConfig({ BMC_DATA_DIR: tmp(), SNAPSHOT_REPOSITORY: 's3:https://s3.example/bucket/{tenant}', SNAPSHOT_INTERVAL_MINUTES: '15' });
  assert.equal(ok.snapshots.repositoryTemplate, 's3:https://s3.example/bucket/{tenant}');
  assert.equal(ok.snapshots.intervalMs, 900_000);
});

test('slots: stable per tenant, spread over the period, one per period', () => {
  const period = 3_600_000;
  const offsets = Array.from({ length: 200 }, (_, i) => slotOffset(`tenant-${i}`, period, 'snapshot'));
  assert.equal(slotOffset('tenant-1', period, 'snapshot'), offsets[1]);
  assert.ok(offsets.every((o) => o >= 0 && o < period));
  // spread: every quarter of the hour holds some tenants
  for (let q = 0; q < 4; q++) assert.ok(offsets.filter((o) => Math.floor(o / (period / 4)) === q).length > 20);
  assert.notEqual(slotOffset('tenant-1', period, 'prune'), offsets[1]);
  const off = 600_000;
  const t = Date.parse('2026-12-07T10:30:00Z');
  assert.equal(currentSlotStart(t, period, off), Date.parse('2026-12-07T10:10:00Z'));
  assert.equal(currentSlotStart(t + period, period, off) - currentSlotStart(t, period, off), period);
  assert.equal(currentSlotStart(Date.parse('2026-12-07T10:05:00Z'), period, off), Date.parse('2026-12-07T09:10:00Z'));
});
