// Two hosts on one machine (network namespaces, their own hostnames, app instances and tenant addresses; one shared
// files root; one Postgres): losing host A (`kill -9` of its app and its tenants) moves A's tenants to host B within
// the lease time, and every write the client saw acknowledged is there afterwards. The simulation is
// scripts/two-host-sim.ts (`npm run sim:two-hosts`); it needs root for `ip netns` (CI runs as root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('host loss: the lost host\'s tenants run on the other host within the lease time, no acknowledged write lost', { skip: process.getuid?.() !== 0 ? 'needs root for ip netns' : false }, (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/two-host-sim.ts'], {
    cwd: ROOT, encoding: 'utf8', timeout: 600_000, env: { ...process.env, SIM_TENANTS: '4', SIM_LEASE_TTL_MS: '5000' },
  });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  t.diagnostic(last);
  assert.equal(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const f = JSON.parse(last) as { movedFromA: number; leaseTtlMs: number; leasedByBAfterMs: number; runningOnBAfterMs: number; writesAcknowledged: number; lostWrites: number };
  assert.ok(f.movedFromA >= 1);
  assert.ok(f.leasedByBAfterMs <= f.leaseTtlMs + 2000, `leased by B after ${f.leasedByBAfterMs} ms`);
  assert.ok(f.writesAcknowledged > 0);
  assert.equal(f.lostWrites, 0);
});
