// Idle time for the supervisor's sleep decision: requests in flight, syncs and holds (WebDAV locks) keep the
// tenant busy; /health, /metrics and the collector's background calls are not activity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ActivityTracker, installActivityTracking } from '../../src/http/activity.ts';
import { LockTable } from '../../src/webdav/dav-locks.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('requests reset the idle time and count as busy while in flight; background calls do not', async () => {
  const tracker = new ActivityTracker();
  const app = Fastify();
  installActivityTracking(app, tracker);
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  app.get('/slow', async () => { await gate; return { ok: true }; });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/sync-runs', async () => ({ runs: [] }));
  await app.ready();
  try {
    await pause(60);
    assert.ok(tracker.idleMs(0) >= 50);
    assert.equal(tracker.idleMs(1), 0, 'a running sync is not idle');

    // Background calls leave the idle time growing.
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/sync-runs', headers: { 'x-bm-background': 'collector' } });
    assert.ok(tracker.idleMs(0) >= 50);

    // A request in flight: busy; once it ended, idle counts from its end.
    const idleBefore = tracker.idleMs(0);
    const slow = app.inject({ method: 'GET', url: '/slow' });
    await pause(60);
    assert.equal(tracker.idleMs(0), 0);
    release();
    assert.equal((await slow).statusCode, 200);
    assert.ok(tracker.idleMs(0) < idleBefore + 60, 'idle counts from the end of the request, not from before it');

    // A user's call to the same path is activity.
    await pause(60);
    const idleBeforeUser = tracker.idleMs(0);
    await app.inject({ method: 'GET', url: '/sync-runs' });
    assert.ok(tracker.idleMs(0) < idleBeforeUser);
  } finally {
    await app.close();
  }
});

test('a live WebDAV lock holds the tenant awake until it expires or is released', () => {
  let now = 1_000_000;
  const locks = new LockTable(() => now);
  const tracker = new ActivityTracker();
  tracker.addHold(() => locks.anyLive());
  const lock = locks.acquire('main/a.md', 'exclusive', '0', null, 60);
  assert.equal(tracker.idleMs(0), 0);
  assert.ok(lock.token.startsWith('opaquelocktoken:'));
  now += 61_000;
  assert.equal(locks.anyLive(), false, 'an expired lock holds nothing');
});
