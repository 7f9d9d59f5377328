import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fixture, write } from './helpers.ts';

/** Freed backing stores are released by a background thread: wait until RSS shows it. */
async function waitRssBelow(bytes: number): Promise<void> {
  for (let i = 0; i < 100 && process.memoryUsage.rss() >= bytes; i++) await new Promise((r) => setTimeout(r, 20));
}

describe('sync runs', () => {
  it('records every run with scan type, timings, counts and peak RSS; survives a restart', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', 'a');
      write(f.root, 'b.md', 'b');
      const r1 = await f.engine.sync('main', { trigger: 'startup' });
      const r2 = await f.engine.sync('main', { trigger: 'schedule' });
      fs.rmSync(path.join(f.root, 'b.md'));
      const r3 = await f.engine.sync('main', { trigger: 'api' });
      const r4 = await f.engine.sync('main', { trigger: 'force', force: true });
      assert.deepEqual([r1, r2, r3, r4].map((r) => r.scan_type), ['full_initial', 'incremental', 'full_deletions', 'full_forced']);
      assert.deepEqual([r1, r2, r3, r4].map((r) => r.trigger), ['startup', 'schedule', 'api', 'force']);
      for (const r of [r1, r2, r3, r4]) {
        assert.equal(r.kind, 'sync');
        assert.equal(r.status, 'ok');
        assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.ok(r.peak_rss_bytes > 10 * 1024 * 1024);
        assert.ok(r.duration_ms >= 0 && r.scan_ms >= 0 && r.apply_ms >= 0);
        assert.ok(Date.parse(r.finished_at) >= Date.parse(r.started_at));
      }
      assert.equal(r1.files_scanned, 2);
      assert.equal(r3.deleted, 1);
      const listed = f.engine.listRuns('main', 10);
      assert.deepEqual(listed.map((r) => r.id), [r4.id, r3.id, r2.id, r1.id]);
      assert.equal(f.engine.listRuns('main', 2).length, 2);
      const inst = f.engine.instanceId;
      f.reopen();
      assert.equal(f.engine.indexExisted, true);
      assert.equal(f.engine.instanceId, inst);
      assert.equal(f.engine.listRuns('main', 10).length, 4);
    } finally { f.cleanup(); }
  });

  it('peak RSS is the peak of that run, not of the process: a small run after a big one reports less', async () => {
    // gc() without the CLI flag, to give the big run's memory back before the small run
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const BALLAST = 160 * 1024 * 1024;
    let ballast: Buffer | null = null;
    const f = fixture({ hooks: { beforeIndexFile: (rel) => { if (rel === 'big.md' && !ballast) ballast = Buffer.alloc(BALLAST, 1); } } });
    try {
      write(f.root, 'big.md', 'the run that needs a lot of memory');
      const before = process.memoryUsage.rss();
      const big = await f.engine.sync('main', { trigger: 'api' }); // the ballast is still held at the end sample
      assert.ok(big.peak_rss_bytes >= before + BALLAST * 0.9, `big run peak ${big.peak_rss_bytes} vs ${before} before`);
      ballast = null;
      gc();
      await waitRssBelow(big.peak_rss_bytes - BALLAST / 2);
      write(f.root, 'small.md', 'a small change');
      const small = await f.engine.sync('main', { trigger: 'api' });
      assert.equal(small.new, 1);
      // Tolerance: half the ballast (the lifetime maxRSS this replaced reported small >= big).
      assert.ok(small.peak_rss_bytes < big.peak_rss_bytes - BALLAST / 2,
        `small run peak ${(small.peak_rss_bytes / 2 ** 20).toFixed(0)} MB vs big run peak ${(big.peak_rss_bytes / 2 ** 20).toFixed(0)} MB`);
      assert.ok(small.peak_rss_bytes > 10 * 1024 * 1024);
    } finally { f.cleanup(); }
  });

  it('runsAfter pages oldest first with a stable cursor; an unknown instance starts over', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', 'a');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await f.engine.sync('main', { trigger: 'schedule' })).id);
      const p1 = f.engine.runsAfter(null, 2);
      assert.equal(p1.instance_id, f.engine.instanceId);
      assert.deepEqual(p1.runs.map((r) => r.id), ids.slice(0, 2));
      const p2 = f.engine.runsAfter(p1.next_cursor, 2);
      assert.deepEqual(p2.runs.map((r) => r.id), ids.slice(2, 4));
      const p3 = f.engine.runsAfter(p2.next_cursor, 10);
      assert.deepEqual(p3.runs.map((r) => r.id), ids.slice(4));
      const p4 = f.engine.runsAfter(p3.next_cursor, 10);
      assert.deepEqual(p4.runs, []);
      assert.equal(p4.next_cursor, p3.next_cursor);
      assert.deepEqual(f.engine.runsAfter('someotherinstance.3', 10).runs.map((r) => r.id), ids);
      assert.deepEqual(f.engine.runsAfter('garbage', 10).runs.map((r) => r.id), ids);
    } finally { f.cleanup(); }
  });

  it('rebuildAll records one rebuild run: mode rebuild on a new index, catch_up on an existing one', async () => {
    const f = fixture();
    try {
      fs.mkdirSync(path.join(f.data, 'second'));
      f.engine.registerProject('second', 'second');
      write(f.root, 'a.md', 'a');
      write(path.join(f.data, 'second'), 'b.md', 'b');
      write(path.join(f.data, 'second'), 'c.md', 'c');
      assert.equal(f.engine.indexExisted, false);
      const rb = await f.engine.rebuildAll(['main', 'second']);
      assert.equal(rb.kind, 'rebuild');
      assert.equal(rb.mode, 'rebuild');
      assert.equal(rb.trigger, 'startup');
      assert.equal(rb.project, null);
      assert.equal(rb.files_scanned, 3);
      assert.equal(rb.new, 3);
      assert.equal(rb.status, 'ok');
      assert.deepEqual(f.engine.listRuns('main', 5).map((r) => r.trigger), ['startup']);
      f.reopen();
      f.engine.registerProject('second', 'second');
      const cu = await f.engine.rebuildAll(['main', 'second']);
      assert.equal(cu.mode, 'catch_up');
      assert.equal(cu.new, 0);
      const all = f.engine.runsAfter(null, 100).runs;
      assert.deepEqual(all.filter((r) => r.kind === 'rebuild').map((r) => r.mode), ['rebuild', 'catch_up']);
    } finally { f.cleanup(); }
  });

  it('a missing project folder fails the run (nothing is deleted from the index)', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', 'a');
      await f.engine.sync('main', { trigger: 'api' });
      fs.renameSync(f.root, `${f.root}.away`);
      const r = await f.engine.sync('main', { trigger: 'api' });
      assert.equal(r.status, 'failed');
      assert.match(r.errors[0]!.message, /missing/);
      assert.equal(f.engine.indexedFiles('main').length, 1);
    } finally { f.cleanup(); }
  });
});

describe('coalescing and one writer', () => {
  it('a sync requested while one runs gets the next run; at most one is queued', async () => {
    const f = fixture();
    try {
      for (let i = 0; i < 300; i++) write(f.root, `n${i}.md`, `note ${i}`);
      const a = f.engine.sync('main', { trigger: 'schedule' });
      const b = f.engine.sync('main', { trigger: 'api' });
      const c = f.engine.sync('main', { trigger: 'api', force: true });
      assert.equal(b, c);
      const [ra, rb, rc] = await Promise.all([a, b, c]);
      assert.notEqual(ra.id, rb.id);
      assert.equal(rb.id, rc.id);
      assert.equal(rb.scan_type, 'full_forced'); // the queued run carries the strongest request
      assert.equal(f.engine.listRuns('main', 10).length, 2);
    } finally { f.cleanup(); }
  });

  it('note writes wait for a running sync (one writer) and are indexed immediately', async () => {
    const f = fixture();
    try {
      for (let i = 0; i < 300; i++) write(f.root, `n${i}.md`, `note ${i}`);
      const s = f.engine.sync('main', { trigger: 'schedule' });
      const w = f.engine.writeNote('main', { title: 'Written meanwhile', folder: 'x', content: 'hello zebra' });
      const [run, ent] = await Promise.all([s, w]);
      assert.equal(run.new, 300);
      assert.equal(ent.file_path, 'x/Written meanwhile.md');
      assert.equal(f.engine.search('main', { text: 'zebra', page: 1, page_size: 5 }).results[0]!.file_path, 'x/Written meanwhile.md');
      const next = await f.engine.sync('main', { trigger: 'schedule' });
      assert.deepEqual([next.new, next.modified], [0, 0]);
    } finally { f.cleanup(); }
  });
});
