// The tenant API as a real process: listening line, lock, signals, data dir precedence, trust.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { lockPathFor } from '../../src/config/data-dir-lock.ts';
import { MAIN, newSecret, rawRequest, startTenant, tempDir } from './tenant-process.ts';

const tmp = tempDir('bm-proc-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('tenant process', () => {
  test('prints one listening line, /health is open, SIGTERM exits 0 and releases the lock', async () => {
    const dataDir = path.join(tmp, 'basic');
    const t = await startTenant({ dataDir });
    try {
      assert.ok(t.port > 0);
      assert.equal(t.pid, t.child.pid);
      assert.equal(t.host, '127.0.0.1', 'loopback unless --host says otherwise');
      const lock = JSON.parse(fs.readFileSync(lockPathFor(dataDir), 'utf8'));
      assert.equal(lock.pid, t.pid);
      const health = await t.waitHealthy();
      // idle_ms: how long since the last request (the supervisor puts an idle tenant to sleep from it).
      assert.deepEqual(Object.keys(health).sort(), ['idle_ms', 'rebuild', 'status', 'version']);
      assert.ok(Number.isInteger(health.idle_ms) && health.idle_ms >= 0, `idle_ms ${health.idle_ms}`);
      assert.deepEqual(Object.keys(health.rebuild).sort(), ['duration_ms', 'files', 'finished_at', 'mode', 'started_at']);
      assert.equal(health.rebuild.mode, 'rebuild');
      // A fresh data dir gets the default project "main" and config.json (SPEC-15).
      assert.ok(fs.statSync(path.join(dataDir, 'main')).isDirectory());
      assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, '.basic-memory', 'config.json'), 'utf8')).default_project, 'main');
    } finally {
      assert.equal(await t.stop('SIGTERM'), 0);
    }
    assert.ok(!fs.existsSync(lockPathFor(dataDir)), 'lock released');
    assert.doesNotMatch(t.stderr(), new RegExp(t.secret), 'secret never logged');
  });

  test('a second process on the same data dir exits 3 naming the holder; after SIGKILL a restart works', async () => {
    const dataDir = path.join(tmp, 'locked');
    const first = await startTenant({ dataDir });
    try {
      const second = spawnSync(process.execPath, [MAIN, '--data-dir', dataDir, '--index-dir', dataDir + '-index2', '--port', '0', '--sync-interval', '0'],
        { encoding: 'utf8', timeout: 30_000, env: { ...process.env, BM_TENANT_SECRET: newSecret() } });
      assert.equal(second.status, 3);
      assert.match(second.stderr, new RegExp(`pid ${first.pid}\\b`));
      assert.equal(second.stdout, '', 'no listening line');
    } finally {
      await first.stop('SIGKILL');
    }
    assert.ok(fs.existsSync(lockPathFor(dataDir)), 'stale lock left by the killed process');
    const again = await startTenant({ dataDir });
    try {
      const health = await again.waitHealthy();
      assert.equal(health.rebuild.mode, 'catch_up', 'index kept in the index dir: catch-up, not rebuild');
    } finally {
      assert.equal(await again.stop('SIGINT'), 0);
    }
  });

  test('data dir precedence in a real process: OS default, BM_DATA_DIR, --data-dir with ~', async () => {
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    const run = async (args: string[], env: Record<string, string | undefined>) => {
      const child = spawn(process.execPath, [MAIN, '--port', '0', '--sync-interval', '0', '--index-dir', path.join(tmp, 'idx-' + Math.random()), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HOME: home, XDG_DATA_HOME: undefined, BM_DATA_DIR: undefined, BM_TENANT_SECRET: newSecret(), ...env },
      });
      await new Promise((resolve, reject) => {
        child.stdout.once('data', resolve);
        child.once('exit', (c) => reject(new Error('exited ' + c)));
      });
      const code = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      assert.equal(await code, 0);
    };
    const defaultDir = path.join(home, '.local', 'share', 'basic-memory-cloud', 'tenant');
    await run([], {});
    assert.ok(fs.existsSync(path.join(defaultDir, '.basic-memory', 'config.json')), 'OS default data dir created');
    await run([], { BM_DATA_DIR: '~/from-env' });
    assert.ok(fs.existsSync(path.join(home, 'from-env', '.basic-memory', 'config.json')), 'BM_DATA_DIR with ~');
    await run(['--data-dir', '~/from-flag'], { BM_DATA_DIR: '~/from-env-ignored' });
    assert.ok(fs.existsSync(path.join(home, 'from-flag', '.basic-memory', 'config.json')), '--data-dir wins');
    assert.ok(!fs.existsSync(path.join(home, 'from-env-ignored')));
  });

  test('bad usage exits 2; a weak BM_TENANT_SECRET is refused', () => {
    const bad = spawnSync(process.execPath, [MAIN, '--port', 'x'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage/);
    const dataDir = path.join(tmp, 'weak');
    const weak = spawnSync(process.execPath, [MAIN, '--data-dir', dataDir, '--index-dir', dataDir + '-i', '--sync-interval', '0'],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, BM_TENANT_SECRET: 'short' } });
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /BM_TENANT_SECRET must be/);
    assert.ok(!fs.existsSync(lockPathFor(dataDir)), 'lock released on a failed start');
  });

  test('standalone: no BM_TENANT_SECRET → credential file (0600), sign.ts signs with it', async () => {
    const dataDir = path.join(tmp, 'standalone');
    const indexDir = path.join(tmp, 'standalone-index');
    const t = await startTenant({ dataDir, indexDir, env: { BM_TENANT_SECRET: '' }, tenantId: 'local' });
    try {
      await t.waitHealthy();
      const file = path.join(indexDir, 'credential');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.match(t.stderr(), /credential/);
      assert.doesNotMatch(t.stderr(), new RegExp(fs.readFileSync(file, 'utf8').trim()), 'the value is never logged');
      const signed = spawnSync(process.execPath, [path.join(path.dirname(MAIN), 'sign.ts'), 'GET', '/projects/projects', '--index-dir', indexDir, '--format', 'json'],
        { encoding: 'utf8', env: { ...process.env, BM_TENANT_SECRET: '' } });
      assert.equal(signed.status, 0, signed.stderr);
      const res = await fetch(`http://127.0.0.1:${t.port}/projects/projects`, { headers: JSON.parse(signed.stdout) });
      assert.equal(res.status, 200);
    } finally {
      await t.stop();
    }
  });
});

describe('trust: signed requests only', () => {
  test('401 without, with bad, expired, other-tenant or replayed-on-another-path signatures; 200 with a good one', async () => {
    const t = await startTenant({ dataDir: path.join(tmp, 'trust') });
    try {
      await t.waitHealthy();
      const url = `http://127.0.0.1:${t.port}`;
      const p = '/projects/projects';
      const expect401 = async (headers: Record<string, string>, pathAndQuery = p, method = 'GET') => {
        const res = await fetch(url + pathAndQuery, { method, headers });
        assert.equal(res.status, 401, `${method} ${pathAndQuery} ${JSON.stringify(headers)}`);
        assert.deepEqual(await res.json(), { detail: 'Invalid or missing tenant signature' });
      };
      const good = signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'GET', pathAndQuery: p });
      await expect401({});
      await expect401({ ...good, 'X-BM-Signature': '0'.repeat(64) });
      await expect401(signRequest({ secret: newSecret(), tenantId: t.tenantId, method: 'GET', pathAndQuery: p }));
      await expect401(signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'GET', pathAndQuery: p, now: Date.now() / 1000 - 120 }));
      await expect401(signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'GET', pathAndQuery: p, now: Date.now() / 1000 + 120 }));
      await expect401(signRequest({ secret: t.secret, tenantId: 'other', method: 'GET', pathAndQuery: p }));
      await expect401(good, '/projects/default');
      await expect401(good, p + '?x=1');
      await expect401(good, p, 'POST');
      // Unknown routes and /metrics are not open either.
      await expect401({}, '/nope');
      await expect401({}, '/metrics');
      assert.equal((await fetch(url + p, { headers: good })).status, 200);
      const health = await fetch(url + '/health');
      assert.equal(health.status, 200);
      const body = await health.json();
      assert.deepEqual(Object.keys(body).sort(), ['idle_ms', 'rebuild', 'status', 'version']);
      assert.equal((await rawRequest(t, 'GET', '/health', { signed: false })).status, 200);
      assert.equal((await rawRequest(t, 'HEAD', '/health', { signed: false })).status, 200);
    } finally {
      await t.stop();
    }
  });
});
