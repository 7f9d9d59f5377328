// Tenants started by a root control plane run without Linux capabilities (setpriv), so file permissions hold
// for them: a file its owner made unreadable fails to index, three failures in a row skip it, and making it
// readable again (a changed ctime) indexes it on the next sync. Real tenant process, real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { capabilityDropPrefix } from '../../lib/tenants/capability-drop.ts';
import { LocalTenantDriver } from '../../lib/tenants/local-driver.ts';
import type { TenantHandle } from '../../lib/tenants/provisioner.ts';
import { signRequest } from '../../tenant/src/auth/request-signature.ts';
import { TENANT_ENTRY, tempRoot } from '../helpers/tenant-fixtures.ts';

const SECRET = 'c'.repeat(64);
const TENANT = 'caps-tenant';

function capMask(pid: number, field: 'CapEff' | 'CapBnd' | 'CapPrm'): bigint {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field + ':'))!;
  return BigInt('0x' + line.split(/\s+/)[1]);
}

describe('capability drop for tenant processes', () => {
  test('auto drops only for root; off never; on finds setpriv (a missing setpriv would fail here, not skip)', () => {
    assert.equal(capabilityDropPrefix('off', { uid: 0, path: process.env.PATH }), null);
    assert.equal(capabilityDropPrefix('auto', { uid: 1000, path: process.env.PATH }), null);
    const p = capabilityDropPrefix('on', { uid: 1000, path: process.env.PATH });
    assert.ok(p && path.basename(p[0]!) === 'setpriv', `setpriv not found: ${JSON.stringify(p)}`);
    assert.deepEqual(capabilityDropPrefix('auto', { uid: 0, path: process.env.PATH }), p);
  });

  // This machine's tests run as root; as any other user there is nothing to drop and permissions hold anyway.
  const asRoot = process.getuid?.() === 0;
  describe('a real tenant started through setpriv', { skip: asRoot ? false : 'needs root: only a root control plane has capabilities to drop' }, () => {
    const dirs = tempRoot('bmc-caps-');
    let handle: TenantHandle;
    let driver: LocalTenantDriver;
    const main = path.join(dirs.dataRoot, TENANT, 'data', 'main');
    const locked = path.join(main, 'locked.md');

    const call = async (method: string, p: string) => {
      const res = await fetch(handle.address.baseUrl + p, { method, headers: signRequest({ secret: SECRET, tenantId: TENANT, method, pathAndQuery: p }) });
      const text = await res.text();
      assert.equal(res.status, 200, `${method} ${p}: ${text}`);
      return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    };
    const syncMain = () => call('POST', '/main/project/sync?run_in_background=false');
    const latestRun = async () => (await call('GET', '/main/project/sync-runs?limit=1')).runs[0];

    before(async () => {
      fs.mkdirSync(main, { recursive: true });
      fs.writeFileSync(path.join(main, 'fine.md'), '# Fine\n');
      driver = new LocalTenantDriver({
        dataRoot: dirs.dataRoot, indexRoot: dirs.indexRoot, entry: TENANT_ENTRY, syncIntervalS: 0, startTimeoutMs: 20_000,
        env: { BM_LOG_LEVEL: 'warn' }, spawnPrefix: capabilityDropPrefix('on'),
      });
      handle = await driver.start({ tenantId: TENANT, bucketName: 'b', secret: SECRET });
    });
    after(async () => { await driver.stopAll(); dirs.cleanup(); });

    test('the process has no capabilities, in any set', () => {
      assert.ok(handle.pid);
      for (const f of ['CapEff', 'CapPrm', 'CapBnd'] as const) assert.equal(capMask(handle.pid!, f), 0n, `${f} of the tenant`);
      assert.notEqual(capMask(process.pid, 'CapEff'), 0n, 'this (root) test process still has its own');
    });

    test('an unreadable file fails three times, is then skipped with its reason, and indexes once readable', async () => {
      // The tenant listens before its start-up rebuild ends; a file written meanwhile would fail in the rebuild too.
      for (let i = 0; (await call('GET', '/sync-runs/active')).rebuilding; i++) {
        assert.ok(i < 200, 'start-up rebuild ended');
        await new Promise((r) => setTimeout(r, 50));
      }
      fs.writeFileSync(locked, '# Locked\n\nsecret words\n');
      fs.chmodSync(locked, 0o000);
      // Each run before the skip names the file and why; the 4th finds it skipped after 3 failures in a row.
      let failingRuns = 0;
      let skippedRun: any = null;
      const seen: unknown[] = [];
      for (let i = 1; i <= 6 && !skippedRun; i++) {
        await syncMain();
        const run = await latestRun();
        seen.push({ errors: run.errors, skipped: run.skipped_files });
        if (run.skipped_files.length) { skippedRun = run; break; }
        const err = run.errors.find((e: { path: string }) => e.path === 'locked.md');
        assert.ok(err, `run ${i} names the failing file: ${JSON.stringify(seen)}`);
        assert.match(err.message, /permission denied/);
        assert.ok(!err.message.includes(dirs.root), 'no server path in the message');
        failingRuns++;
      }
      assert.ok(skippedRun, `skipped within 6 syncs: ${JSON.stringify(seen)}`);
      assert.equal(failingRuns, 3, `failing runs before the skip: ${JSON.stringify(seen)}`);
      assert.equal(skippedRun.errors.length, 0, 'a skipped file is not retried');
      assert.equal(skippedRun.skipped_files.length, 1);
      const s = skippedRun.skipped_files[0];
      assert.equal(s.path, 'locked.md');
      assert.equal(s.failure_count, 3);
      assert.match(s.reason, /failed 3 times: permission denied/);
      assert.ok(!Number.isNaN(Date.parse(s.first_failed)));

      fs.chmodSync(locked, 0o644); // a changed ctime: retried on the next sync
      await syncMain();
      const fixed = await latestRun();
      assert.equal(fixed.skipped_files.length, 0);
      assert.equal(fixed.errors.length, 0);
      assert.match(await call('GET', '/main/resource/locked.md'), /secret words/, 'the fixed file is indexed and served');
    });
  });
});
