import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jitteredIntervalMs, scheduleOffsetMs, SyncSchedule } from '../../src/schedule/sync-schedule.ts';

describe('sync schedule', () => {
  test('offset is stable per tenant+project, inside the interval, and spread across tenants', () => {
    assert.equal(scheduleOffsetMs('t1', 'notes', 30000), scheduleOffsetMs('t1', 'notes', 30000));
    const offsets = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const o = scheduleOffsetMs(`tenant-${i}`, 'main', 30000);
      assert.ok(o >= 0 && o < 30000);
      offsets.add(Math.floor(o / 1000));
    }
    // A thousand tenants land on (nearly) every second of the interval, not all at :00.
    assert.ok(offsets.size >= 29, `only ${offsets.size} distinct seconds`);
  });
  test('jitter stays within ±10 %', () => {
    assert.equal(jitteredIntervalMs(30000, () => 0), 27000);
    assert.equal(jitteredIntervalMs(30000, () => 1), 33000);
    for (let i = 0; i < 100; i++) {
      const v = jitteredIntervalMs(30000);
      assert.ok(v >= 27000 && v <= 33000);
    }
  });
  test('ticks run the task, never overlap, and stop cleanly', async () => {
    const s = new SyncSchedule({ intervalSeconds: 0.02, tenantId: 't', random: () => 0.5 });
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    s.add('p', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await new Promise((r) => setTimeout(r, 70)); // slower than the interval
      running--;
    });
    await new Promise((r) => setTimeout(r, 300));
    s.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(maxRunning, 1);
    assert.ok(runs >= 2, `ran ${runs} times`);
    assert.equal(runs, after, 'no tick after stop');
  });
  test('interval 0 disables the schedule', () => {
    const s = new SyncSchedule({ intervalSeconds: 0, tenantId: 't' });
    s.add('p', async () => {});
    assert.equal(s.enabled, false);
    assert.equal(s.has('p'), false);
  });
  test('pause clears the timers (no tick while paused, entries kept); resume re-arms them', async () => {
    const s = new SyncSchedule({ intervalSeconds: 0.02, tenantId: 't', random: () => 0.5 });
    let runs = 0;
    s.add('p', async () => { runs++; });
    await new Promise((r) => setTimeout(r, 80));
    assert.ok(runs >= 1, 'ticks before the pause');
    s.pause();
    assert.equal(s.running, false);
    s.add('q', async () => { runs++; }); // added while paused: waits for resume
    const paused = runs;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(runs, paused, 'no tick while paused');
    assert.ok(s.has('p') && s.has('q'));
    s.resume();
    assert.equal(s.running, true);
    await new Promise((r) => setTimeout(r, 120));
    assert.ok(runs >= paused + 2, `both entries tick again (${runs - paused})`);
    s.stop();
  });
});
