// GET /sync-runs/active reads engine.activeSyncs(): a sync is listed from the moment it is asked for
// until its run is recorded, with its trigger, force flag and whether another one is queued behind it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, write } from './helpers.ts';

describe('active syncs', () => {
  it('lists a sync while it is in flight (queued behind it too) and nothing once it is recorded', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', 'a');
      assert.deepEqual(f.engine.activeSyncs(), []);
      const first = f.engine.sync('main', { trigger: 'force', force: true });
      const active = f.engine.activeSyncs();
      assert.equal(active.length, 1);
      assert.deepEqual({ ...active[0], since: undefined }, { project: 'main', trigger: 'force', force: true, queued: false, since: undefined });
      assert.ok(Date.parse(active[0]!.since) <= Date.now());
      const second = f.engine.sync('main', { trigger: 'api' });
      assert.equal(f.engine.activeSyncs()[0]!.queued, true);
      const r1 = await first;
      assert.equal(r1.scan_type, 'full_forced');
      await second;
      assert.deepEqual(f.engine.activeSyncs(), [], 'nothing in flight after both runs are recorded');
    } finally { f.cleanup(); }
  });
});
