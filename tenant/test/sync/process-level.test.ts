// Real processes: kill -9 mid-sync then restart; a 20 MB binary hashed in constant memory; 20,000 files with a
// low open-files limit (no EMFILE).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TenantEngine } from '../../src/engine.ts';
import { assertIndexMatches, sha, write } from './helpers.ts';

const CHILD = path.join(import.meta.dirname, 'fixtures', 'sync-child.ts');

function tmp(): { dir: string; data: string; root: string; index: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-proc-test-'));
  const data = path.join(dir, 'data');
  const root = path.join(data, 'main');
  fs.mkdirSync(root, { recursive: true });
  return { dir, data, root, index: path.join(dir, 'index') };
}

function runChild(data: string, index: string, ulimit?: number): { status: string; files: number; new: number; errors: unknown[]; maxRssKB: number } {
  const cmd = `${ulimit ? `ulimit -n ${ulimit}; ` : ''}exec "${process.execPath}" "${CHILD}" "${data}" "${index}" main`;
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('process-level', () => {
  it('kill -9 in the middle of a sync, then restart: the index matches the files exactly', async () => {
    const t = tmp();
    try {
      for (let i = 0; i < 4000; i++) write(t.root, `d${i % 40}/note ${i}.md`, `---\ntitle: Note ${i}\n---\n\n- [fact] number ${i} #n\n- relates_to [[Note ${(i + 1) % 4000}]]\n`);
      const child = spawn(process.execPath, [CHILD, t.data, t.index, 'main'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLOW_US_PER_FILE: '400' } });
      let out = '';
      let batches = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          batches = (out.match(/^batch /gm) ?? []).length;
          if (batches >= 1 && !child.killed) child.kill('SIGKILL'); // ~1.6 s of work left: the kill lands mid-transaction
        });
        child.on('exit', () => resolve());
      });
      assert.ok(!out.includes('"status"'), 'the child was killed before it finished');
      // the files change while the tenant is down
      fs.rmSync(path.join(t.root, 'd1'), { recursive: true });
      write(t.root, 'after/new.md', 'added while down');
      const engine = TenantEngine.open({ dataDir: t.data, indexDir: t.index });
      try {
        engine.registerProject('main', 'main');
        assert.equal(engine.indexExisted, true);
        const partial = engine.indexedFiles('main').length;
        assert.ok(partial > 0 && partial < 4000, `partial index after the kill: ${partial}`);
        const r = await engine.sync('main', { trigger: 'startup' });
        assert.equal(r.status, 'ok');
        assert.equal(r.errors.length, 0);
        assertIndexMatches(engine, 'main', t.root);
        const again = await engine.sync('main', { trigger: 'schedule' });
        assert.deepEqual([again.new, again.modified, again.deleted, again.moved], [0, 0, 0, 0]);
        const info = engine.projectInfo('main');
        assert.equal(info.statistics.total_entities, 3901);
        assert.equal(info.statistics.total_observations, 3900);
      } finally { engine.close(); }
    } finally { fs.rmSync(t.dir, { recursive: true, force: true }); }
  });

  it('a 20 MB binary is streamed: peak RSS grows by far less than its size', () => {
    const small = tmp();
    const big = tmp();
    try {
      write(small.root, 'a.md', 'note');
      write(small.root, 'tiny.pdf', Buffer.alloc(1000, 1));
      write(big.root, 'a.md', 'note');
      const fd = fs.openSync(path.join(big.root, 'big.pdf'), 'w');
      const h = crypto.createHash('sha256');
      for (let i = 0; i < 20; i++) { const b = crypto.randomBytes(1024 * 1024); h.update(b); fs.writeSync(fd, b); }
      fs.closeSync(fd);
      const base = runChild(small.data, small.index);
      const withBig = runChild(big.data, big.index);
      assert.equal(withBig.status, 'ok');
      const growthMB = (withBig.maxRssKB - base.maxRssKB) / 1024;
      assert.ok(growthMB < 10, `peak RSS grew by ${growthMB.toFixed(1)} MB for a 20 MB file`);
      const engine = TenantEngine.open({ dataDir: big.data, indexDir: big.index });
      try {
        engine.registerProject('main', 'main');
        assert.equal(engine.indexedFiles('main').find((x) => x.file_path === 'big.pdf')!.checksum, h.digest('hex'));
      } finally { engine.close(); }
    } finally {
      fs.rmSync(small.dir, { recursive: true, force: true });
      fs.rmSync(big.dir, { recursive: true, force: true });
    }
  });

  it('20,000 files (and big binaries) with an open-files limit of 128: no EMFILE', () => {
    const t = tmp();
    try {
      for (let i = 0; i < 20000; i++) write(t.root, `f${i % 200}/n${i}.md`, `- [fact] ${i}\n`);
      for (let i = 0; i < 12; i++) write(t.root, `bin/b${i}.png`, crypto.randomBytes(1536 * 1024));
      const r = runChild(t.data, t.index, 128);
      assert.equal(r.status, 'ok');
      assert.deepEqual(r.errors, []);
      assert.equal(r.files, 20012);
      const engine = TenantEngine.open({ dataDir: t.data, indexDir: t.index });
      try {
        engine.registerProject('main', 'main');
        assertIndexMatches(engine, 'main', t.root);
        assert.equal(sha(fs.readFileSync(path.join(t.root, 'bin/b3.png'))), engine.indexedFiles('main').find((x) => x.file_path === 'bin/b3.png')!.checksum);
      } finally { engine.close(); }
    } finally { fs.rmSync(t.dir, { recursive: true, force: true }); }
  });
});
