// Test helpers for the sync engine: temp data dirs, an engine with one project, and "index == files" checks.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { TenantEngine, type EngineOptions } from '../../src/engine.ts';
import { ignoredByDefault } from '../../src/sync/ignore-rules.ts';

export interface Fixture { dir: string; data: string; root: string; index: string; engine: TenantEngine; reopen(): TenantEngine; cleanup(): void }

export function fixture(opts: Partial<EngineOptions> = {}, project = 'main'): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-engine-test-'));
  const data = path.join(dir, 'data');
  const root = path.join(data, project);
  const index = path.join(dir, 'index');
  fs.mkdirSync(root, { recursive: true });
  const f: Fixture = {
    dir, data, root, index,
    engine: TenantEngine.open({ dataDir: data, indexDir: index, ...opts }),
    reopen() { f.engine.close(); f.engine = TenantEngine.open({ dataDir: data, indexDir: index, ...opts }); f.engine.registerProject(project, project); return f.engine; },
    cleanup() { try { f.engine.close(); } catch { /* already closed */ } fs.rmSync(dir, { recursive: true, force: true }); },
  };
  f.engine.registerProject(project, project);
  return f;
}

export function write(root: string, rel: string, content: string | Buffer, mtime?: Date): string {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  if (mtime) fs.utimesSync(abs, mtime, mtime);
  return abs;
}

export const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** What a correct index must hold: every non-ignored regular file with its checksum. Independent walk. */
function filesOnDisk(root: string): { file_path: string; checksum: string }[] {
  const out: { file_path: string; checksum: string }[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (ignoredByDefault(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push({ file_path: r, checksum: sha(fs.readFileSync(path.join(root, r))) });
    }
  };
  walk('');
  return out.sort((a, b) => (a.file_path < b.file_path ? -1 : a.file_path > b.file_path ? 1 : 0));
}

export function assertIndexMatches(engine: TenantEngine, project: string, root: string): void {
  const idx = engine.indexedFiles(project).map(({ file_path, checksum }) => ({ file_path, checksum }));
  assert.deepEqual(idx, filesOnDisk(root));
}

export const OLD = new Date('2020-01-02T03:04:05Z');
