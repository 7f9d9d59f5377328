import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseTenantArgs, UsageError } from '../../src/config/args.ts';
import { acquireDataDirLock, DataDirLockedError, lockPathFor } from '../../src/config/data-dir-lock.ts';
import { defaultDataDir, defaultIndexDir, expandHome, resolveDataDir, resolveIndexDir, type PlatformEnv } from '../../src/config/data-dir.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-datadir-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'hold-lock.ts');

const linux = (env: Record<string, string> = {}): PlatformEnv => ({ platform: 'linux', home: '/home/u', env });

describe('data dir precedence', () => {
  test('--data-dir beats BM_DATA_DIR beats the OS default', () => {
    assert.deepEqual(resolveDataDir('/flag', linux({ BM_DATA_DIR: '/env' })), { dir: '/flag', source: 'flag' });
    assert.deepEqual(resolveDataDir(undefined, linux({ BM_DATA_DIR: '/env' })), { dir: '/env', source: 'env' });
    assert.deepEqual(resolveDataDir(undefined, linux()), { dir: '/home/u/.local/share/basic-memory-cloud/tenant', source: 'default' });
  });
  test('~ is expanded in flag and env', () => {
    assert.equal(resolveDataDir('~/notes', linux()).dir, '/home/u/notes');
    assert.equal(resolveDataDir(undefined, linux({ BM_DATA_DIR: '~' })).dir, '/home/u');
    assert.equal(expandHome('a/~/b', '/h'), 'a/~/b');
  });
  test('OS defaults: XDG on Linux (absolute only), Application Support on macOS', () => {
    assert.equal(defaultDataDir(linux({ XDG_DATA_HOME: '/x' })), '/x/basic-memory-cloud/tenant');
    assert.equal(defaultDataDir(linux({ XDG_DATA_HOME: 'relative' })), '/home/u/.local/share/basic-memory-cloud/tenant');
    assert.equal(defaultDataDir({ platform: 'darwin', home: '/Users/u', env: {} }), '/Users/u/Library/Application Support/basic-memory-cloud/tenant');
  });
  test('index dir: flag > BM_INDEX_DIR > cache dir keyed by data dir hash', () => {
    const d = defaultIndexDir('/data/a', linux({ XDG_CACHE_HOME: '/c' }));
    assert.match(d, /^\/c\/basic-memory-cloud\/index\/[0-9a-f]{16}$/);
    assert.notEqual(d, defaultIndexDir('/data/b', linux({ XDG_CACHE_HOME: '/c' })));
    assert.equal(resolveIndexDir('~/idx', '/data/a', linux({ BM_INDEX_DIR: '/e' })), '/home/u/idx');
    assert.equal(resolveIndexDir(undefined, '/data/a', linux({ BM_INDEX_DIR: '/e' })), '/e');
    assert.match(resolveIndexDir(undefined, '/data/a', linux()), /^\/home\/u\/\.cache\/basic-memory-cloud\/index\//);
  });
});

describe('arguments', () => {
  test('defaults and env', () => {
    const a = parseTenantArgs([], {});
    assert.equal(a.port, 0);
    assert.equal(a.host, '127.0.0.1');
    assert.equal(a.syncInterval, 30);
    assert.equal(a.tenantId, 'local');
    const b = parseTenantArgs(['--port', '8080', '--sync-interval', '0', '--tenant-id', 't_1'], { BM_SYNC_INTERVAL: '5', BM_TENANT_ID: 'x' });
    assert.deepEqual([b.port, b.syncInterval, b.tenantId], [8080, 0, 't_1']);
    assert.equal(parseTenantArgs([], { BM_SYNC_INTERVAL: '5', BM_TENANT_ID: 'x' }).syncInterval, 5);
    assert.equal(a.maxUploadMb, 100);
    assert.equal(parseTenantArgs(['--max-upload-mb', '7'], { BM_MAX_UPLOAD_MB: '9' }).maxUploadMb, 7);
    assert.equal(parseTenantArgs([], { BM_MAX_UPLOAD_MB: '9' }).maxUploadMb, 9);
  });
  test('bad values and unknown flags are usage errors', () => {
    assert.throws(() => parseTenantArgs(['--port', 'abc'], {}), UsageError);
    assert.throws(() => parseTenantArgs(['--port', '70000'], {}), UsageError);
    assert.throws(() => parseTenantArgs(['--tenant-id', 'a b'], {}), UsageError);
    assert.throws(() => parseTenantArgs(['--secret', 'x'], {}), UsageError);
    assert.throws(() => parseTenantArgs(['--max-upload-mb', '0'], {}), UsageError);
  });
});

function holdLock(dir: string): Promise<{ child: ReturnType<typeof spawn>; pid: number }> {
  const child = spawn(process.execPath, [FIXTURE, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, pid: JSON.parse(out).pid });
    });
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

describe('data dir lock (real processes)', () => {
  test('second holder refuses naming the pid; a SIGKILLed holder does not block', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'lock-'));
    const first = await holdLock(dir);
    try {
      const info = JSON.parse(fs.readFileSync(lockPathFor(dir), 'utf8'));
      assert.equal(info.pid, first.pid);
      assert.equal(info.host, os.hostname());
      assert.ok(Date.parse(info.started_at) > 0);
      const second = spawnSync(process.execPath, [FIXTURE, dir], { encoding: 'utf8', timeout: 20000 });
      assert.equal(second.status, 3);
      assert.match(second.stderr, new RegExp(`pid ${first.pid}\\b`));
      assert.throws(() => acquireDataDirLock(path.join(dir)), (e: unknown) => e instanceof DataDirLockedError && e.holder.pid === first.pid);
    } finally {
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
    }
    // The lock file is left behind by the killed holder: it is stale now.
    assert.ok(fs.existsSync(lockPathFor(dir)));
    const third = await holdLock(dir);
    assert.equal(JSON.parse(fs.readFileSync(lockPathFor(dir), 'utf8')).pid, third.pid);
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
    assert.ok(!fs.existsSync(lockPathFor(dir)), 'released on clean exit');
  });
  test("another host's lock: refused while its holder keeps it fresh, taken over once untouched for the stale time", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'lock-'));
    fs.mkdirSync(path.dirname(lockPathFor(dir)), { recursive: true });
    // A live process on this host, but the lock names another host (shared storage): pid checks cannot apply.
    fs.writeFileSync(lockPathFor(dir), JSON.stringify({ pid: process.pid, host: 'other-host', started_at: new Date().toISOString() }) + '\n');
    assert.throws(() => acquireDataDirLock(dir, { foreignStaleMs: 1000 }), (e: unknown) => e instanceof DataDirLockedError && e.holder.host === 'other-host');
    const old = new Date(Date.now() - 5000);
    fs.utimesSync(lockPathFor(dir), old, old);
    const lock = acquireDataDirLock(dir, { foreignStaleMs: 1000 });
    assert.equal(JSON.parse(fs.readFileSync(lockPathFor(dir), 'utf8')).host, os.hostname());
    // The holder keeps its lock fresh: it never looks stale to another host.
    fs.utimesSync(lockPathFor(dir), old, old);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(Date.now() - fs.statSync(lockPathFor(dir)).mtimeMs < 1000, 'heartbeat touched the lock');
    lock.release();
    assert.ok(!fs.existsSync(lockPathFor(dir)));
  });
  test('garbage in an old lock file is treated as stale', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'lock-'));
    fs.mkdirSync(path.dirname(lockPathFor(dir)), { recursive: true });
    fs.writeFileSync(lockPathFor(dir), 'not json');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPathFor(dir), old, old);
    const lock = acquireDataDirLock(dir);
    assert.equal(lock.info.pid, process.pid);
    lock.release();
    assert.ok(!fs.existsSync(lockPathFor(dir)));
  });
});
