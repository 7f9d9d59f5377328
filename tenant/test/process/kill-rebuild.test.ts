// kill -9 of the real tenant API process while /health says "rebuilding" (seed-tenant corpus), then a restart on
// the same data and index dirs: the stale lock is taken over, the index is caught up, and it matches the files exactly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TenantEngine } from '../../src/engine.ts';
import { assertIndexMatches } from '../sync/helpers.ts';
import { startTenant, tempDir, type Tenant } from './tenant-process.ts';

// The shared tools sit beside the checkout (`../shared`), in CI as on a developer's machine; missing is a failure, not a skip.
const MAKE_CORPUS = path.resolve(import.meta.dirname, '../../../../shared/tools/make-corpus');
const tmp = tempDir('bm-kill-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Run = { kind: string; trigger: string; mode?: string; project: string | null };

/** Starts a tenant and SIGKILLs it once some projects are indexed but /health still says "rebuilding". Null if the rebuild won the race. */
async function killDuringRebuild(dataDir: string, indexDir: string): Promise<{ doneBeforeKill: number } | null> {
  const t: Tenant = await startTenant({ dataDir, indexDir });
  const exited = new Promise((r) => t.child.once('exit', r));
  try {
    for (;;) {
      const runs = await t.json('GET', '/sync-runs?limit=500'); // answered during the rebuild (between time slices)
      const done = (runs.body.runs as Run[]).filter((r) => r.kind === 'sync' && r.trigger === 'startup').length;
      const health = await fetch(`http://127.0.0.1:${t.port}/health`).then((r) => r.json());
      if (health.status !== 'rebuilding') return null;
      if (done >= 1) {
        t.child.kill('SIGKILL');
        await exited;
        return { doneBeforeKill: done };
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    t.child.kill('SIGKILL');
    await exited;
  }
}

describe('kill -9 during the start-up rebuild', () => {
  before(() => assert.ok(fs.existsSync(MAKE_CORPUS), `make-corpus not found at ${MAKE_CORPUS} (../shared/tools/make-corpus beside the checkout)`));
  test('restart on the same dirs catches up; the index matches the files exactly', async () => {
    const dataDir = path.join(tmp, 'seed');
    execFileSync(MAKE_CORPUS, ['--preset', 'seed-tenant', '--out', dataDir], { stdio: 'ignore' });
    let indexDir = '';
    let killed: { doneBeforeKill: number } | null = null;
    for (let attempt = 0; attempt < 3 && !killed; attempt++) {
      indexDir = path.join(tmp, `index-${attempt}`); // a rebuild that won the race leaves a complete index: start afresh
      killed = await killDuringRebuild(dataDir, indexDir);
    }
    assert.ok(killed, 'the tenant was never caught in the middle of its rebuild');
    assert.ok(fs.existsSync(path.join(dataDir, '.basic-memory', 'tenant.lock')), 'the killed process left its lock behind');
    const config = JSON.parse(fs.readFileSync(path.join(dataDir, '.basic-memory', 'config.json'), 'utf8')) as { projects: Record<string, string> };
    const projects = Object.entries(config.projects);
    assert.ok(killed.doneBeforeKill < projects.length, `killed after ${killed.doneBeforeKill} of ${projects.length} projects`);

    // The files change while the tenant is down.
    const [, firstFolder] = projects[0]!;
    const notes = fs.readdirSync(path.join(dataDir, firstFolder), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).sort();
    fs.rmSync(path.join(dataDir, firstFolder, notes[0]!));
    fs.appendFileSync(path.join(dataDir, firstFolder, notes[1]!), '\n- [fact] edited while the tenant was down\n');
    fs.writeFileSync(path.join(dataDir, projects[projects.length - 1]![1], 'added while down.md'), '# Added\n');

    const again = await startTenant({ dataDir, indexDir });
    try {
      const ok = await again.waitHealthy(120_000);
      assert.equal(ok.rebuild.mode, 'catch_up');
      const runs = (await again.json('GET', '/sync-runs?limit=500')).body.runs as Run[];
      assert.deepEqual(runs.filter((r) => r.kind === 'rebuild').map((r) => r.mode), ['catch_up'], 'the killed rebuild never finished');
    } finally {
      assert.equal(await again.stop(), 0);
    }

    const engine = TenantEngine.open({ dataDir, indexDir });
    try {
      assert.deepEqual(engine.projects().map((p) => p.name).sort(), projects.map(([n]) => n).sort());
      for (const [name, folder] of projects) {
        engine.registerProject(name, folder);
        assertIndexMatches(engine, name, path.join(dataDir, folder));
      }
    } finally { engine.close(); }
  });
});
