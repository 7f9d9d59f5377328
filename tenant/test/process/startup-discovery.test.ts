// Start-up on a large corpus (503 + Retry-After until /health says ok) and discovery of folders
// created by other means while the tenant runs.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTenant, tempDir, waitFor } from './tenant-process.ts';

const tmp = tempDir('bm-startup-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
// The shared tools sit beside the checkout (`../shared`), in CI as on a developer's machine; missing is a failure, not a skip.
const MAKE_CORPUS = path.resolve(import.meta.dirname, '../../../../shared/tools/make-corpus');

describe('start-up rebuild', () => {
  before(() => assert.ok(fs.existsSync(MAKE_CORPUS), `make-corpus not found at ${MAKE_CORPUS} (../shared/tools/make-corpus beside the checkout)`));
  test('routes that need the index answer 503 + Retry-After while rebuilding, then work', async () => {
    const dataDir = path.join(tmp, 'seed');
    execFileSync(MAKE_CORPUS, ['--preset', 'seed-tenant', '--out', dataDir], { stdio: 'ignore' });
    const project = fs.readdirSync(dataDir, { withFileTypes: true }).find((e) => e.isDirectory() && !e.name.startsWith('.'))!.name;
    const t = await startTenant({ dataDir });
    try {
      const [health, search, list, item, runs, metrics, info] = await Promise.all([
        fetch(`http://127.0.0.1:${t.port}/health`).then((r) => r.json()),
        t.json('GET', `/${encodeURIComponent(project)}/search?q=alpha`),
        t.json('GET', '/projects/projects'),
        t.json('GET', `/${encodeURIComponent(project)}/project/item`),
        t.json('GET', '/sync-runs?limit=10'),
        t.request('GET', '/metrics'),
        t.json('GET', `/${encodeURIComponent(project)}/project/info`),
      ]);
      assert.equal(runs.status, 200, 'the run log answers during the rebuild');
      assert.equal(metrics.status, 200);
      assert.equal(info.status, 503);
      assert.equal(health.status, 'rebuilding');
      assert.deepEqual(Object.keys(health).sort(), ['projects', 'started_at', 'status', 'version']);
      assert.ok(health.projects >= 12);
      assert.equal(search.status, 503);
      assert.equal(search.headers.get('retry-after'), '2');
      assert.deepEqual(search.body, { detail: 'Index is rebuilding, retry shortly' });
      // The project list comes from config.json and answers during the rebuild.
      assert.equal(list.status, 200);
      assert.ok(list.body.projects.length >= 12);
      assert.equal(item.status, 200);
      const ok = await t.waitHealthy(120_000);
      assert.equal(ok.rebuild.mode, 'rebuild');
      assert.ok(ok.rebuild.files >= 2590, `files ${ok.rebuild.files}`);
      assert.ok(ok.rebuild.duration_ms > 0);
      const after = await t.json('GET', `/${encodeURIComponent(project)}/search?q=alpha`);
      assert.equal(after.status, 200);
    } finally {
      assert.equal(await t.stop(), 0);
    }
  });

  test('SIGTERM in the middle of the rebuild exits 0 and releases the lock; the restart catches up', async () => {
    const dataDir = path.join(tmp, 'seed');
    const indexDir = path.join(tmp, 'seed-index-2');
    const t = await startTenant({ dataDir, indexDir });
    const health = await fetch(`http://127.0.0.1:${t.port}/health`).then((r) => r.json());
    assert.equal(health.status, 'rebuilding');
    assert.equal(await t.stop('SIGTERM'), 0);
    assert.ok(!fs.existsSync(path.join(dataDir, '.basic-memory', 'tenant.lock')));
    const again = await startTenant({ dataDir, indexDir });
    try {
      const ok = await again.waitHealthy(120_000);
      // Whether an interrupted index is caught up or rebuilt is the engine's call; both must work.
      assert.ok(['catch_up', 'rebuild'].includes(ok.rebuild.mode), ok.rebuild.mode);
      const runs = await again.json('GET', '/sync-runs?limit=500');
      const total = runs.body.runs.filter((r: { kind: string }) => r.kind === 'sync').length;
      assert.ok(total >= 12, `runs ${total}`);
    } finally {
      assert.equal(await again.stop(), 0);
    }
  });
});

describe('discovery', () => {
  test('folders created by mkdir or cp -r while running become projects, first sync trigger "discovery"', async () => {
    const dataDir = path.join(tmp, 'disc');
    fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
    const src = path.join(tmp, 'copy-src');
    fs.mkdirSync(path.join(src, 'deep'), { recursive: true });
    fs.writeFileSync(path.join(src, 'deep', 'copied.md'), '# Copied\n');
    const t = await startTenant({ dataDir, syncInterval: 1 });
    try {
      await t.waitHealthy();
      fs.mkdirSync(path.join(dataDir, 'Made By Mkdir'));
      fs.writeFileSync(path.join(dataDir, 'Made By Mkdir', 'n.md'), '# N\n');
      assert.equal(spawnSync('cp', ['-rp', src, path.join(dataDir, 'copied')]).status, 0);
      // Found by the schedule, without any request naming them.
      const runs = await waitFor(async () => {
        const r = await t.json('GET', '/sync-runs?limit=500');
        const disc = r.body.runs.filter((x: { trigger: string }) => x.trigger === 'discovery');
        return disc.length >= 2 ? disc : undefined;
      }, 20_000);
      assert.deepEqual(runs.map((r: { project: string }) => r.project).sort(), ['Made By Mkdir', 'copied']);
      const list = await t.json('GET', '/projects/projects');
      assert.deepEqual(list.body.projects.map((p: { name: string }) => p.name).sort(), ['Made By Mkdir', 'copied', 'main']);
      const item = await t.json('GET', '/made-by-mkdir/project/item');
      const { id, external_id, ...rest } = item.body;
      assert.ok(Number.isInteger(id) && /^[0-9a-f-]{36}$/.test(external_id), 'a discovered project gets its id and external_id');
      assert.deepEqual(rest, { name: 'Made By Mkdir', path: '/Made By Mkdir', is_default: false });
      const config = JSON.parse(fs.readFileSync(path.join(dataDir, '.basic-memory', 'config.json'), 'utf8'));
      assert.deepEqual(Object.keys(config.projects).sort(), ['Made By Mkdir', 'copied', 'main']);
      const search = await t.json('GET', '/copied/search?q=copied');
      assert.equal(search.body.results[0]?.file_path, 'deep/copied.md');
      // Scheduled syncs keep coming for every project.
      await waitFor(async () => {
        const r = await t.json('GET', '/sync-runs?limit=500');
        return r.body.runs.some((x: { trigger: string; project: string }) => x.trigger === 'schedule' && x.project === 'copied');
      }, 20_000);
    } finally {
      assert.equal(await t.stop(), 0);
    }
  });

  test('a request naming a just-copied folder finds it at once', async () => {
    const dataDir = path.join(tmp, 'disc2');
    fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
    const t = await startTenant({ dataDir, syncInterval: 0 });
    try {
      await t.waitHealthy();
      fs.mkdirSync(path.join(dataDir, 'fresh'));
      const item = await t.json('GET', '/fresh/project/item');
      assert.equal(item.status, 200);
      assert.equal(item.body.name, 'fresh');
      // config.json restored/edited by other means is taken as the truth on the next discovery pass.
      const file = path.join(dataDir, '.basic-memory', 'config.json');
      const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
      cfg.projects = { main: 'main', 'Fresh Notes': 'fresh' };
      fs.writeFileSync(file + '.tmp', JSON.stringify(cfg));
      fs.renameSync(file + '.tmp', file);
      const list = await t.json('GET', '/projects/projects');
      assert.deepEqual(list.body.projects.map((p: { name: string }) => p.name), ['Fresh Notes', 'main']);
      assert.equal((await t.json('GET', '/fresh-notes/project/item')).body.path, '/fresh');
    } finally {
      await t.stop();
    }
  });
});
