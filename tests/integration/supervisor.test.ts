// Tenant supervisor against real Postgres and real tenant API processes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import {
  acquireTenantLease, getTenantRoute, renewTenantLeases, requestTenantRestart, requestTenantStart, requestTenantStop, upsertTenantEndpoint,
} from '../../lib/db/queries/tenants-runtime.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import type { Database } from '../../lib/db/client.ts';
import { rowsOf } from '../../lib/db/queryable.ts';
import { tenantDirs } from '../../lib/tenants/local-driver.ts';
import { backoffDelay, holderIsDeadLocalProcess } from '../../lib/tenants/tenant-supervisor.ts';
import {
  TENANT_ENTRY, crashingEntry, createTenantRow, makeDriver, makeSupervisor, pidAlive, tempRoot, tenantState, waitFor,
} from '../helpers/tenant-fixtures.ts';
import { signRequest } from '../../tenant/src/auth/request-signature.ts';

describe('supervisor leases (postgres)', () => {
  let h: TestDatabase;
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h.close(); });

  test('a lease is taken by one holder at a time, even when ten race for it; it can be taken once expired', async () => {
    const id = await createTenantRow(h.db, 'lease');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => acquireTenantLease(h.db, id, `holder-${i}`, 400)));
    assert.equal(results.filter(Boolean).length, 1);
    const winner = `holder-${results.indexOf(true)}`;
    const other = winner === 'holder-0' ? 'holder-1' : 'holder-0';
    assert.equal(await acquireTenantLease(h.db, id, other, 400), false);
    assert.equal(await acquireTenantLease(h.db, id, winner, 400), true, 'the holder renews');
    assert.deepEqual(await renewTenantLeases(h.db, winner, 400), [id]);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await renewTenantLeases(h.db, winner, 400), [], 'an expired lease is not renewed by heartbeat');
    assert.equal(await acquireTenantLease(h.db, id, other, 400), true, 'expired: another holder takes it');
    assert.equal(await acquireTenantLease(h.db, id, winner, 400), false);
  });
});

for (const kind of DB_KINDS) describe(`endpoint writes are fenced by the lease (${kind})`, () => {
  let h: TestDatabase;
  before(async () => { h = await freshDatabase(kind); });
  after(async () => { await h.close(); });

  test("a non-holder's endpoint write is refused; the holder's and admin writes go through", async () => {
    const id = await createTenantRow(h.db, 'fence');
    const at = (port: number) => ({ host: '127.0.0.1', port, pid: 4242, instanceId: 'x' });
    // Nobody holds the lease yet: a supervisor write (with a holder) is refused, nothing is created.
    assert.equal(await upsertTenantEndpoint(h.db, id, at(1111), 'holder-a'), false);
    assert.equal((await tenantState(h.db, id)).endpoint, null);

    assert.equal(await acquireTenantLease(h.db, id, 'holder-a', 400), true);
    assert.equal(await upsertTenantEndpoint(h.db, id, at(1111), 'holder-a'), true);
    assert.equal(await upsertTenantEndpoint(h.db, id, at(2222), 'holder-b'), false, 'not the holder');
    assert.equal((await tenantState(h.db, id)).endpoint!.port, 1111);
    assert.equal((await getTenantRoute(h.db, id))!.baseUrl, 'http://127.0.0.1:1111');

    // a stalls past its TTL; b takes the lease and publishes its address; a's late write is refused.
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await acquireTenantLease(h.db, id, 'holder-b', 60_000), true);
    assert.equal(await upsertTenantEndpoint(h.db, id, at(2222), 'holder-b'), true);
    assert.equal(await upsertTenantEndpoint(h.db, id, { host: '127.0.0.1', port: 1111, pid: 1, instanceId: 'holder-a' }, 'holder-a'), false, 'stale former holder');
    assert.equal(await upsertTenantEndpoint(h.db, id, { host: null, port: null, pid: null, instanceId: null }, 'holder-a'), false, 'nor may it clear the address');
    const now = (await tenantState(h.db, id)).endpoint!;
    assert.equal(now.port, 2222);
    assert.equal(now.host, '127.0.0.1');

    // Admin-side writes are not supervisor writes: no holder needed.
    await requestTenantRestart(h.db, id);
    assert.ok((await tenantState(h.db, id)).endpoint!.restartRequestedAt, 'restart request written');
    assert.equal(await upsertTenantEndpoint(h.db, id, { tenantVersion: 'admin-note' }), true);
    assert.equal((await tenantState(h.db, id)).endpoint!.tenantVersion, 'admin-note');
    assert.equal((await tenantState(h.db, id)).endpoint!.port, 2222);
  });
});

describe('local driver', () => {
  test('the spare process becomes the next tenant with its own credential; left behind by a dead app, it is reaped like any tenant', async () => {
    const dirs = tempRoot();
    const first = makeDriver(dirs);
    const second = makeDriver(dirs);
    /** The driver's spare: the entry with --spare, waiting in the data root. */
    const spare = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).find((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(`${TENANT_ENTRY} --spare`)
          && fs.readlinkSync(`/proc/${pid}/cwd`) === dirs.dataRoot;
      } catch { return false; }
    });
    const secretB = 'b'.repeat(64);
    try {
      const a = await first.start({ tenantId: 'spare-a', bucketName: 'b', secret: 'a'.repeat(64) });
      assert.ok(a.pid && a.pid !== (await waitFor('a spare after the first tenant is ready', async () => spare(), 20_000)));
      const sparePid = spare()!;
      const b = await first.start({ tenantId: 'spare-b', bucketName: 'b', secret: secretB });
      assert.equal(b.pid, sparePid, 'tenant b is the spare');
      const p = '/projects/projects';
      const signed = (secret: string) => fetch(b.address.baseUrl + p, { headers: signRequest({ secret, tenantId: 'spare-b', method: 'GET', pathAndQuery: p }) });
      await waitFor('tenant b ready', async () => (await signed(secretB)).status === 200, 20_000);
      assert.equal((await signed('a'.repeat(64))).status, 401, "another tenant's credential is refused");
      const lock = JSON.parse(fs.readFileSync(path.join(tenantDirs(dirs, 'spare-b').dataDir, '.basic-memory', 'tenant.lock'), 'utf8'));
      assert.equal(lock.pid, b.pid, "b's data dir is locked by the former spare");

      // A new app process (it does not know the first one's children) starts b: the former spare is reaped.
      const b2 = await second.start({ tenantId: 'spare-b', bucketName: 'b', secret: secretB });
      assert.notEqual(b2.pid, b.pid);
      await waitFor('the spare-started orphan gone', async () => !pidAlive(b.pid!), 5000);
      await second.stop(b2, 5000);
      await first.stopAll(1000);
      await second.stopAll(1000);
      await waitFor('stopAll ends the spare too', async () => spare() === undefined, 5000);
    } finally {
      await first.stopAll(1000);
      await second.stopAll(1000);
      dirs.cleanup();
    }
  });

  test('a tenant left running by a dead app process (holding the data-dir lock) is reaped before a new start', async () => {
    const dirs = tempRoot();
    const first = makeDriver(dirs);
    const second = makeDriver(dirs); // a new app process: it does not know the first one's child
    const spec = { tenantId: 'orphan-tenant', bucketName: 'b', secret: 'a'.repeat(64) };
    const orphan = await first.start(spec);
    try {
      assert.ok(orphan.pid && pidAlive(orphan.pid));
      const h2 = await second.start(spec);
      assert.notEqual(h2.pid, orphan.pid);
      await waitFor('orphan gone', async () => !pidAlive(orphan.pid!), 5000);
      const health = await (await fetch(`${h2.address.baseUrl}/health`)).json();
      assert.ok(health.status === 'ok' || health.status === 'rebuilding');
      await second.stop(h2, 5000);
      assert.equal(second.liveCount, 0);
    } finally {
      await first.stopAll(1000);
      await second.stopAll(1000);
      dirs.cleanup();
    }
  });
});

/**
 * Records every status written to tenants.status (a trigger in the test database), so tests assert
 * what was written and in which order, not what a poll happened to see.
 */
async function recordStatusWrites(db: Database): Promise<void> {
  await db.execute(sql`create table test_status_writes (seq bigserial primary key, tenant_id uuid not null, status text not null)`);
  await db.execute(sql.raw(`create function test_log_status() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' or new.status is distinct from old.status then
        insert into test_status_writes (tenant_id, status) values (new.id, new.status);
      end if;
      return new;
    end $$`));
  await db.execute(sql`create trigger test_log_status after insert or update on tenants for each row execute function test_log_status()`);
}
async function statusWrites(db: Database, tenantId: string): Promise<string[]> {
  const r = await db.execute(sql`select status from test_status_writes where tenant_id = ${tenantId} order by seq`);
  return rowsOf<{ status: string }>(r).map((x) => x.status);
}

/** A tenant-like data dir big enough that the start-up rebuild takes noticeable time (≈ 2 600 notes). */
function makeCorpus(dataDir: string): void {
  const tool = path.resolve(import.meta.dirname, '../../../shared/tools/make-corpus');
  if (fs.existsSync(tool)) {
    // Fewer binary bytes than the preset's 80 MB: the rebuild cost is in the notes.
    const r = spawnSync(tool, ['--preset', 'seed-tenant', '--binary-mb', '8', '--out', dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return;
  }
  // A clean clone without the shared tools: the same order of size, written here.
  for (let p = 0; p < 12; p++) {
    const dir = path.join(dataDir, `Project ${p}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let n = 0; n < 216; n++) {
      fs.writeFileSync(path.join(dir, `note-${n}.md`), `---\ntitle: Note ${p}-${n}\ntype: note\n---\n# Note ${p}-${n}\n\n${'- [fact] alpha beta gamma delta #tag\n'.repeat(20)}\n- relates_to [[Note ${p}-${(n + 1) % 216}]]\n`);
    }
  }
}

describe('supervisor with real tenant processes (postgres)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  before(async () => { h = await freshDatabase('postgres'); await recordStatusWrites(h.db); });
  after(async () => { await h.close(); dirs.cleanup(); });

  test('the lease of an app process on this host that died is taken over at once, not after its TTL', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadHolder = `${os.hostname()}:${gone.stdout}:deadbeef`;
    assert.equal(holderIsDeadLocalProcess(deadHolder), true);
    assert.equal(holderIsDeadLocalProcess(`${os.hostname()}:${process.pid}:deadbeef`), false, 'ourselves');
    assert.equal(holderIsDeadLocalProcess(`other-host:${gone.stdout}:deadbeef`), false, 'another host: wait for the TTL');
    const id = await createTenantRow(h.db, 'takeover');
    assert.equal(await acquireTenantLease(h.db, id, deadHolder, 600_000), true);
    const sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: `${os.hostname()}:${process.pid}:0badf00d` });
    sup.start();
    try {
      await waitFor('running under the new holder', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'running' && s.endpoint?.instanceId === sup.holderId;
      }, 30_000);
    } finally {
      await requestTenantStop(h.db, id); // keep it out of the next tests' way
      await sup.stop();
    }
  });

  test('provisioning → running within 30 s; kill -9 → degraded, restart with backoff, rebuild recorded, running; stop/start/restart; shutdown stops children', async () => {
    const id = await createTenantRow(h.db, 'life');
    const driver = makeDriver(dirs);
    const sup = makeSupervisor(h.db, driver, { holderId: 'sup-life', settings: { backoffBaseMs: 600 } });
    const t0 = Date.now();
    sup.start();
    try {
      const seen = new Set<string>();
      const running = await waitFor('running', async () => {
        const s = await tenantState(h.db, id);
        seen.add(s.tenant.status);
        return s.tenant.status === 'running' ? s : null;
      }, 30_000, 20);
      assert.ok(Date.now() - t0 < 30_000);
      // What was written, in order (an empty tenant rebuilds in a few ms, so `rebuilding` may be skipped).
      const writes = await statusWrites(h.db, id);
      assert.equal(writes[0], 'provisioning', writes.join(' → '));
      assert.ok(writes.indexOf('starting') > 0 && writes.indexOf('starting') < writes.indexOf('running'), writes.join(' → '));
      assert.ok(!writes.slice(0, writes.indexOf('running')).some((x) => !['provisioning', 'starting', 'rebuilding'].includes(x)), writes.join(' → '));
      const ep = running.endpoint!;
      assert.equal(ep.host, '127.0.0.1');
      assert.ok(ep.port! > 0 && ep.pid! > 0);
      assert.equal(ep.instanceId, 'sup-life');
      assert.ok(ep.readyAt, 'readyAt recorded');
      assert.ok(ep.lastRebuild && typeof (ep.lastRebuild as { duration_ms?: number }).duration_ms === 'number', 'rebuild timing recorded');
      const health = await (await fetch(`http://127.0.0.1:${ep.port}/health`)).json();
      assert.equal(health.status, 'ok');

      // kill -9: the supervisor notices, counts a crash, backs off, restarts with a new pid.
      const oldPid = ep.pid!;
      const killedAt = Date.now();
      process.kill(oldPid, 'SIGKILL');
      const degraded = await waitFor('crash recorded', async () => {
        const s = await tenantState(h.db, id);
        return s.endpoint?.crashCount === 1 && s.tenant.status === 'degraded' ? s : null;
      }, 10_000, 5);
      assert.equal(degraded.endpoint!.lastExitSignal, 'SIGKILL');
      assert.ok(degraded.endpoint!.nextRestartAt, 'restart scheduled');
      assert.match(degraded.tenant.statusDetail ?? '', /SIGKILL.*restarting in/);
      const back = await waitFor('running again', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'running' && s.endpoint?.pid && s.endpoint.pid !== oldPid ? s : null;
      }, 30_000, 20);
      assert.ok(Date.now() - killedAt >= backoffDelay(1, 600, 2000), 'restart waited for the backoff');
      assert.ok(!pidAlive(oldPid));
      assert.ok(pidAlive(back.endpoint!.pid!));
      assert.ok(back.endpoint!.readyAt!.getTime() > running.endpoint!.readyAt!.getTime(), 'a new rebuild/ready time');

      // Admin stop: process gone, status stopped, address cleared.
      await requestTenantStop(h.db, id);
      const stopped = await waitFor('stopped', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'stopped' ? s : null;
      });
      assert.equal(stopped.endpoint!.port, null);
      await waitFor('child gone', async () => !pidAlive(back.endpoint!.pid!), 5000);
      assert.equal(sup.runningTenants().filter((x) => x.tenantId === id).length, 0);

      // Admin start: running again.
      await requestTenantStart(h.db, id);
      const started = await waitFor('running after start', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'running' && s.endpoint?.pid ? s : null;
      });
      // Admin restart (through Postgres, as any instance would ask): a new process.
      await requestTenantRestart(h.db, id);
      const restarted = await waitFor('restarted', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'running' && s.endpoint?.pid && s.endpoint.pid !== started.endpoint!.pid ? s : null;
      });
      assert.equal(restarted.endpoint!.restartRequestedAt, null);
      assert.equal(restarted.endpoint!.crashCount, 0, 'a requested restart is not a crash');
      const lastPid = restarted.endpoint!.pid!;

      await sup.stop();
      assert.ok(!pidAlive(lastPid), 'shutdown stopped the child');
      const after = await tenantState(h.db, id);
      assert.equal(after.tenant.status, 'starting');
      assert.equal(after.endpoint!.port, null);
    } finally {
      await sup.stop();
      await driver.stopAll(1000);
    }
  });

  test('a tenant whose data dir already holds a corpus: `rebuilding` is written to Postgres before `running`', async () => {
    const id = await createTenantRow(h.db, 'corpus');
    makeCorpus(tenantDirs(dirs, id).dataDir);
    const driver = makeDriver(dirs);
    const sup = makeSupervisor(h.db, driver, { holderId: 'sup-corpus' });
    sup.start();
    try {
      const running = await waitFor('running', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'running' ? s : null;
      }, 60_000, 50);
      const writes = await statusWrites(h.db, id);
      const [iStarting, iRebuilding, iRunning] = ['starting', 'rebuilding', 'running'].map((x) => writes.indexOf(x));
      assert.ok(iStarting >= 0 && iStarting < iRebuilding && iRebuilding < iRunning, `writes: ${writes.join(' → ')}`);
      const rebuild = running.endpoint!.lastRebuild as { files?: number; duration_ms?: number; mode?: string };
      assert.equal(rebuild.mode, 'rebuild');
      assert.ok((rebuild.files ?? 0) > 2000, `rebuilt ${rebuild.files} files`);
      assert.match(running.tenant.statusDetail ?? '', /index rebuild of \d+ files took \d+ ms/);
    } finally {
      await requestTenantStop(h.db, id);
      await sup.stop();
      await driver.stopAll(1000);
    }
  });

  test('a tenant that keeps crashing is `failed` after max crashes; an admin start gives it a fresh budget', async () => {
    const id = await createTenantRow(h.db, 'crashy');
    const crashDriver = makeDriver(dirs, crashingEntry(dirs.root));
    const sup = makeSupervisor(h.db, crashDriver, { holderId: 'sup-crash', settings: { maxCrashes: 3, backoffBaseMs: 20, backoffMaxMs: 100 } });
    sup.start();
    try {
      const failed = await waitFor('failed', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'failed' ? s : null;
      }, 20_000);
      assert.equal(failed.endpoint!.crashCount, 3);
      assert.equal(failed.endpoint!.lastExitCode, 7);
      assert.match(failed.tenant.statusDetail ?? '', /3 crashes.*boom: cannot open index/);
      // It stays failed (no restarts) …
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await tenantState(h.db, id)).endpoint!.crashCount, 3);
      // … until an administrator starts it: fresh budget, it crashes again from 1.
      await requestTenantStart(h.db, id);
      await waitFor('crashing again', async () => {
        const s = await tenantState(h.db, id);
        return s.endpoint!.crashCount >= 1 && s.endpoint!.crashCount < 3 && s.tenant.status !== 'failed' ? s : null;
      }, 10_000, 5);
      await waitFor('failed again', async () => (await tenantState(h.db, id)).tenant.status === 'failed', 20_000);
    } finally {
      await sup.stop();
    }
  });

  test('crashes spread beyond the window never reach `failed` (injected clock)', async () => {
    const id = await createTenantRow(h.db, 'window');
    let now = 1_000_000;
    const clock = { now: () => now };
    const crashDriver = makeDriver(dirs, crashingEntry(dirs.root));
    const sup = makeSupervisor(h.db, crashDriver, { holderId: 'sup-window', clock, settings: { maxCrashes: 2, crashWindowMs: 10_000, backoffBaseMs: 1000, backoffMaxMs: 1000 } });
    try {
      for (let i = 0; i < 4; i++) {
        await sup.tick();
        await waitFor(`crash ${i + 1}`, async () => {
          const s = await tenantState(h.db, id);
          return s.endpoint?.lastExitAt && s.endpoint.lastExitAt.getTime() === now && s.tenant.status === 'degraded' ? s : null;
        }, 10_000, 10);
        const s = await tenantState(h.db, id);
        assert.equal(s.endpoint!.crashCount, 1, 'each crash opens a new window');
        assert.equal(s.tenant.status, 'degraded');
        // Not restarted before the backoff elapsed on the injected clock.
        await sup.tick();
        assert.equal((await tenantState(h.db, id)).endpoint!.lastExitAt!.getTime(), now);
        now += 11_000; // past backoff and window
      }
    } finally {
      await sup.stop();
    }
  });

  test('two supervisors on one Postgres supervise each tenant once; when one shuts down the other takes over', async () => {
    const ids = [await createTenantRow(h.db, 'pair-a'), await createTenantRow(h.db, 'pair-b'), await createTenantRow(h.db, 'pair-c')];
    const dA = makeDriver(dirs);
    const dB = makeDriver(dirs);
    const a = makeSupervisor(h.db, dA, { holderId: 'sup-A' });
    const b = makeSupervisor(h.db, dB, { holderId: 'sup-B' });
    a.start();
    b.start();
    try {
      await waitFor('all running', async () => {
        for (const id of ids) if ((await tenantState(h.db, id)).tenant.status !== 'running') return false;
        return true;
      });
      // Let a few more ticks pass: nobody starts a second copy.
      await new Promise((r) => setTimeout(r, 800));
      const ra = a.runningTenants().map((x) => x.tenantId).filter((x) => ids.includes(x));
      const rb = b.runningTenants().map((x) => x.tenantId).filter((x) => ids.includes(x));
      assert.equal(ra.length + rb.length, 3, `A runs ${ra.length}, B runs ${rb.length}`);
      assert.equal(ra.filter((x) => rb.includes(x)).length, 0, 'no tenant runs twice');
      for (const id of ids) {
        const s = await tenantState(h.db, id);
        assert.equal(s.endpoint!.instanceId, ra.includes(id) ? 'sup-A' : 'sup-B');
      }

      // A shuts down (releases its leases): B takes over A's tenants.
      await a.stop();
      await waitFor('B runs all three', async () => b.runningTenants().filter((x) => ids.includes(x.tenantId)).length === 3 || null, 30_000);
      for (const id of ids) await waitFor('running under B', async () => {
        const s = await tenantState(h.db, id);
        return s.tenant.status === 'running' && s.endpoint?.instanceId === 'sup-B';
      });
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
