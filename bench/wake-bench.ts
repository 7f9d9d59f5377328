// bench:wake — one wake of a sleeping seed-tenant-size tenant, end to end and by phase: the first request through
// the tenant proxy's handler (as bench:fleet sends it) while the supervisor, the driver and Postgres run as in the
// app, but with nothing else on the fleet. Interleaved A/B: `BENCH_WAKE_ENTRIES` is a comma-separated list of tenant
// entry scripts (default this repo's tenant/src/main.ts; `path:nospare` = the driver keeps no spare process); each gets
// its own tenant, driver and supervisor, and the wakes alternate between them so the machine's load falls on each
// alike. One unmeasured wake first (the corpus was just copied: the first catch-up re-hashes files stored as racy).
// Reports per entry: wall p50/p95 of the waking request, the phases' p50/p95 and the tenant's CPU from the start
// (the spare's assignment) until ready (utime + stime, from /proc).
// `BENCH_WAKE_BURN=N` runs N busy-loop processes during the measured rounds (the CPU contention of a fleet's mix).
//   DATABASE_URL=postgres://…/postgres npm run bench:wake   (BENCH_WAKE_ROUNDS, default 20 per entry)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type Database } from '../lib/db/client.ts';
import * as schema from '../lib/db/schema.ts';
import { LocalTenantDriver } from '../lib/tenants/local-driver.ts';
import type { TenantHandle, TenantSpec } from '../lib/tenants/provisioner.ts';
import { invalidateTenantRoute, setSupervisorNudge, wakeTenant } from '../lib/tenants/proxy-deps.ts';
import { TenantSupervisor } from '../lib/tenants/tenant-supervisor.ts';
import { handleTenantProxy, type TenantProxyDeps } from '../lib/tenants/tenant-proxy.ts';
import { getTenantRoute } from '../lib/db/queries/tenants-runtime.ts';
import { quantile } from './lib/paced-load.ts';
import { waitFor } from '../tests/helpers/tenant-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const AUTH_SECRET = 'bench-wake-secret-' + 'x'.repeat(32);
const ROUNDS = Number(process.env.BENCH_WAKE_ROUNDS ?? 20);
const BURN = Number(process.env.BENCH_WAKE_BURN ?? 0);
const ENTRIES = (process.env.BENCH_WAKE_ENTRIES ?? path.join(ROOT, 'tenant/src/main.ts')).split(',')
  .map((e) => ({ entry: path.resolve(e.replace(/:nospare$/, '')), spare: !e.endsWith(':nospare') }));
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP = 'http://127.0.0.1:1';
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh control-plane database: one per arm, so each arm's supervisor sees (and starts) only its own tenant. */
async function freshDatabase(i: number) {
  const name = `bmc_wake_bench_${Date.now().toString(36)}_${i}`;
  const u = new URL(ADMIN_URL);
  u.pathname = '/' + name;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const h = await openDatabase({ url: u.toString(), max: 1 });
  await migrateDatabase(h);
  await h.close();
  const client = postgres(u.toString(), { max: 10, onnotice: () => {} });
  return { name, client, db: drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-wake-bench-'));
const corpus = path.join(tmp, 'corpus');
execFileSync(path.join(ROOT, '../shared/tools/make-corpus'), ['--preset', 'seed-tenant', '--out', corpus, '--seed', 'fleet'], { stdio: 'ignore' });

/** The driver's spare process of an arm (`--spare`, working directory its data root), if one waits. */
function spareOf(arm: { entry: string; dataRoot: string }): { pid: number; cpuMs: number } | null {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').includes(`${arm.entry} --spare`)) continue;
      if (fs.readlinkSync(`/proc/${d}/cwd`) !== arm.dataRoot) continue;
      return { pid: Number(d), cpuMs: cpuMs(Number(d)) };
    } catch { /* gone */ }
  }
  return null;
}

/** CPU (user + system) a process has used, in ms. */
function cpuMs(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

interface Phases { detail?: string | null; spare?: { pid: number; cpuMs: number } | null; t0: number; start?: number; listening?: number; ready?: number; woken?: number; answered?: number; cpuReady?: number }
interface Arm { db: Database; close: () => Promise<void>; label: string; dataRoot: string; entry: string; tenantId: string; supervisor: TenantSupervisor; current: Phases | null; rounds: Phases[] }
const arms: Arm[] = [];
for (const [i, { entry, spare }] of ENTRIES.entries()) {
  const { name: dbName, client, db } = await freshDatabase(i);
  const close = async () => {
    await client.end();
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  };
  const [row] = await db.insert(schema.tenants).values({ name: `wake-${i}`, bucketName: `wake-bucket-${i}` }).returning({ id: schema.tenants.id });
  const tenantId = row!.id;
  const dirs = { dataRoot: path.join(tmp, `data-${i}`), indexRoot: path.join(tmp, `index-${i}`) };
  fs.mkdirSync(path.join(dirs.dataRoot, tenantId), { recursive: true });
  execFileSync('cp', ['-al', corpus, path.join(dirs.dataRoot, tenantId, 'data')]);
  const driver = new LocalTenantDriver({ ...dirs, entry, spare, syncIntervalS: 30, startTimeoutMs: 120_000, env: { BM_LOG_LEVEL: 'warn' } });
  const arm: Arm = { db, close, label: `${entry}${spare ? '' : ' (no spare)'}`, dataRoot: dirs.dataRoot, entry, tenantId, supervisor: null as unknown as TenantSupervisor, current: null, rounds: [] };
  // The driver's start, timed: spawn → `listening` → `ready`, and the tenant's CPU at ready.
  const start = driver.start.bind(driver);
  driver.start = async (spec: TenantSpec): Promise<TenantHandle> => {
    const ph = arm.current;
    if (ph) ph.start = performance.now();
    const h = await start(spec);
    if (ph) {
      ph.listening = performance.now();
      void h.ready?.then(() => { ph.ready = performance.now(); ph.cpuReady = cpuMs(h.pid!) - (ph.spare?.pid === h.pid ? ph.spare.cpuMs : 0); });
    }
    return h;
  };
  arm.supervisor = new TenantSupervisor({
    db, driver, authSecret: AUTH_SECRET, holderId: `wake-bench-${i}`,
    settings: {
      leaseTtlMs: 15_000, tickMs: 1000, healthIntervalMs: 500, healthTimeoutMs: 2000, degradedAfterMs: 30_000,
      backoffBaseMs: 500, backoffMaxMs: 30_000, maxCrashes: 5, crashWindowMs: 600_000, maxTenantsPerInstance: 0, idleStopMs: 1000, maxConcurrentStarts: 4,
    },
    log: (level, msg, fields) => { if (level === 'error') log(msg, fields ?? ''); },
    onTenantChange: invalidateTenantRoute,
  });
  arms.push(arm);
}
setSupervisorNudge((id) => arms.find((a) => a.tenantId === id)?.supervisor.wake(id));
const depsOf = (arm: Arm): TenantProxyDeps => ({
  getRoute: (id) => getTenantRoute(arm.db, id), authSecret: AUTH_SECRET, appOrigin: APP, subscribeUrl: 'https://example.test/subscribe',
  connectTimeoutMs: 5000, idleTimeoutMs: 60_000,
  wake: async (id) => {
    const r = await wakeTenant(arm.db, id, 30_000);
    if (arm.current) arm.current.woken = performance.now();
    return r;
  },
});
const statusOf = async (a: Arm) => (await a.db.select({ s: schema.tenants.status }).from(schema.tenants).where(eq(schema.tenants.id, a.tenantId)))[0]?.s;
const running = (a: Arm) => a.supervisor.runningTenants().some((r) => r.tenantId === a.tenantId);

const burners: ReturnType<typeof spawn>[] = [];
try {
  log(`${ENTRIES.length} tenant(s) of ${fs.readdirSync(corpus, { recursive: true }).length} files; first start builds each index`);
  for (const a of arms) a.supervisor.start();
  for (let round = -1; round < ROUNDS; round++) {
    if (round === 0) for (let i = 0; i < BURN; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    for (const a of arms) {
      await waitFor('asleep', async () => (await statusOf(a)) === 'sleeping' && !running(a), 180_000, 50);
      await sleep(200);
      const ph: Phases = { spare: spareOf(a), t0: performance.now() };
      a.current = ph;
      const res = await handleTenantProxy(new Request(APP + '/proxy/projects/projects'), { tenantId: a.tenantId, via: 'bearer' }, depsOf(a));
      await res.arrayBuffer();
      ph.answered = performance.now();
      a.current = null;
      ph.detail = (await a.db.select({ d: schema.tenants.statusDetail }).from(schema.tenants).where(eq(schema.tenants.id, a.tenantId)))[0]?.d;
      if (process.env.BENCH_WAKE_VERBOSE) log(a.label, `${ph.spare ? 'spare' : 'spawn'}: wake ${(ph.answered - ph.t0).toFixed(0)} ms, CPU ${ph.cpuReady} ms: ${ph.detail}`);
      if (res.status !== 200) throw new Error(`wake answered ${res.status}`);
      if (round >= 0) a.rounds.push(ph);
    }
  }
  for (const b of burners) b.kill('SIGKILL');
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  for (const a of arms) {
    const p = (f: (x: Phases) => number) => {
      const v = a.rounds.map(f).filter(Number.isFinite);
      return `${quantile(v, 0.5).toFixed(0)}/${quantile(v, 0.95).toFixed(0)}`;
    };
    console.log(`\n${a.label} (n=${a.rounds.length}, load ${load}${BURN ? `, ${BURN} busy loops beside` : ''})`);
    console.log(`  wake wall p50/p95 ms        ${p((x) => x.answered! - x.t0)}`);
    console.log(`  request → driver.start      ${p((x) => x.start! - x.t0)}`);
    console.log(`  spawn → listening           ${p((x) => x.listening! - x.start!)}`);
    console.log(`  listening → ready           ${p((x) => x.ready! - x.listening!)}`);
    console.log(`  ready → route running       ${p((x) => x.woken! - x.ready!)}`);
    console.log(`  route running → answered    ${p((x) => x.answered! - x.woken!)}`);
    console.log(`  tenant CPU start → ready ms ${p((x) => x.cpuReady!)}`);
  }
} finally {
  for (const b of burners) b.kill('SIGKILL');
  for (const a of arms) await a.supervisor.stop();
  for (const a of arms) await a.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
