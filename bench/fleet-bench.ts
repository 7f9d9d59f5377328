// bench:fleet — what a fleet of mostly idle tenants costs with sleep on and off, what a wake costs, and whether
// the control plane keeps up while the fleet reports.
//
// The control plane's runtime parts run in this process exactly as the app runs them (services.ts): the tenant
// supervisor (leases, health, sleep), the sync-run collector and the tenant proxy's handler with its wake path,
// against a fresh Postgres database and real tenant processes on real files. Next's router is left out (it adds
// per-request CPU, measured by bench:proxy, not fleet behaviour). Phases:
//   1. provision N tenants (`BENCH_FLEET_TENANTS`, default 1 000) with small corpora (make-corpus) plus
//      `BENCH_FLEET_SEED_TENANTS` (default 3) seed-tenant-size ones; sleep ON (idle BENCH_FLEET_IDLE_S): every tenant
//      starts once (its index is built; TENANT_START_CONCURRENCY at a time) and falls asleep;
//   2. sleep OFF, measured at two sizes (`BENCH_FLEET_AWAKE`, default "50,100" awake tenants: the 50 active ones, then
//      more idle ones): the fleet's memory (sum of the tenants' PSS + this process), per-idle-tenant RSS/PSS/file
//      handles/threads, while the paced mix runs on the active tenants. A whole fleet awake does not fit one machine
//      (1 000 × the per-tenant cost); its memory is EXTRAPOLATED from the two sizes (the per-tenant cost is the slope)
//      and reported as such;
//   3. restart the "app" (supervisor + collector stopped gracefully, new ones started) with sleep ON: settle time; the
//      idle tenants fall asleep; BENCH_SECONDS of the mix (50 active, paced reads/writes, scheduled syncs every
//      BENCH_FLEET_SYNC_S): the measured memory of the real fleet, the event-loop delay p99 of this process and
//      control-plane Postgres queries/s while every tenant is supervised;
//   4. wake rounds on the seed-size tenants (first request after sleep, its process gone) next to a warm request;
//   5. another restart with the fleet asleep: settle time.
// Exit 1 when a target is missed: fleet memory with sleep on ≤ 25 % of sleep off, wake p95 ≤ 1 s, 0 failed
// requests (mix and wakes), event-loop delay p99 ≤ 50 ms.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type Database } from '../lib/db/client.ts';
import { getTenantRoute } from '../lib/db/queries/tenants-runtime.ts';
import * as schema from '../lib/db/schema.ts';
import { LocalTenantDriver } from '../lib/tenants/local-driver.ts';
import { invalidateTenantRoute, setSupervisorNudge, wakeTenant } from '../lib/tenants/proxy-deps.ts';
import { SyncCollector } from '../lib/tenants/sync-collector.ts';
import { TenantSupervisor } from '../lib/tenants/tenant-supervisor.ts';
import { handleTenantProxy, type TenantProxyDeps } from '../lib/tenants/tenant-proxy.ts';
import { quantile } from './lib/paced-load.ts';
import { waitFor } from '../tests/helpers/tenant-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const AUTH_SECRET = 'bench-fleet-secret-' + 'x'.repeat(32);
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const N = env('BENCH_FLEET_TENANTS', 1000);
const SEEDS = env('BENCH_FLEET_SEED_TENANTS', 3);
const ACTIVE = Math.min(env('BENCH_FLEET_ACTIVE', 50), N);
const SECONDS = env('BENCH_SECONDS', 20);
const RPS = env('BENCH_FLEET_RPS', 25);
const IDLE_S = env('BENCH_FLEET_IDLE_S', 5);
const SYNC_S = env('BENCH_FLEET_SYNC_S', 30);
const WAKES = env('BENCH_FLEET_WAKES', 20);
const AWAKE = (process.env.BENCH_FLEET_AWAKE ?? `${ACTIVE},${2 * ACTIVE}`).split(',').map(Number).map((k) => Math.min(k, N)).sort((a, b) => a - b);
if (AWAKE.length !== 2 || !(AWAKE[0]! >= ACTIVE) || !(AWAKE[1]! > AWAKE[0]!)) throw new Error('BENCH_FLEET_AWAKE: two sizes, the first ≥ the active tenants, the second larger');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP = 'http://127.0.0.1:1';

const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------- database
const dbName = `bmc_fleet_bench_${Date.now().toString(36)}`;
const dbUrl = (() => { const u = new URL(ADMIN_URL); u.pathname = '/' + dbName; return u.toString(); })();
{
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  await admin.end();
  const h = await openDatabase({ url: dbUrl, max: 1 });
  await migrateDatabase(h);
  await h.close();
}
// The control plane's handle, counting every query it sends (postgres-js `debug` sees each one).
let queries = 0;
const client = postgres(dbUrl, { max: 10, onnotice: () => {}, debug: () => { queries++; } });
const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database;

// ---------------------------------------------------------------------------------------------- corpora
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-fleet-bench-'));
const dirs = { dataRoot: path.join(tmp, 'data'), indexRoot: path.join(tmp, 'index') };
const corpus = (preset: string, extra: string[]) => {
  const out = path.join(tmp, `corpus-${preset}`);
  execFileSync(path.join(ROOT, '../shared/tools/make-corpus'), ['--preset', preset, '--out', out, '--seed', 'fleet', ...extra], { stdio: 'ignore' });
  return out;
};
const smallCorpus = corpus('small', ['--notes', '30', '--binaries', '1', '--binary-mb', '1', '--projects', '2']);
const seedCorpus = SEEDS ? corpus('seed-tenant', []) : '';
const fileCount = (dir: string) => fs.readdirSync(dir, { recursive: true }).length;

log(`provisioning ${N} small tenants (${fileCount(smallCorpus)} files each) + ${SEEDS} seed-tenant-size ones`);
const made = await db.insert(schema.tenants).values(Array.from({ length: N + SEEDS }, (_, i) => ({ name: `fleet-${i}`, bucketName: `fleet-bucket-${i}` })))
  .returning({ id: schema.tenants.id });
const ids = made.map((r) => r.id);
const small = ids.slice(0, N);
const seeds = ids.slice(N);
for (const [i, id] of ids.entries()) {
  const data = path.join(dirs.dataRoot, id, 'data');
  fs.mkdirSync(path.dirname(data), { recursive: true });
  // Hard links: the corpora cost one copy on disk; a tenant's write replaces a file (atomic rename), never edits a link.
  execFileSync('cp', ['-al', i < N ? smallCorpus : seedCorpus, data]);
}
const active = small.slice(0, ACTIVE);
const provisionedAt = performance.now();

// ---------------------------------------------------------------------------------------------- the "app"
const driver = new LocalTenantDriver({
  dataRoot: dirs.dataRoot, indexRoot: dirs.indexRoot, entry: path.join(ROOT, 'tenant/src/main.ts'), syncIntervalS: SYNC_S,
  startTimeoutMs: 120_000, env: { BM_LOG_LEVEL: 'warn' },
});
let app: { supervisor: TenantSupervisor; collector: SyncCollector } | null = null;
let generation = 0;
function startApp(idleStopMs: number) {
  const supervisor = new TenantSupervisor({
    db, driver, authSecret: AUTH_SECRET, holderId: `fleet-bench-${++generation}`,
    settings: {
      leaseTtlMs: 15_000, tickMs: 1000, healthIntervalMs: 2000, healthTimeoutMs: 2000, degradedAfterMs: 30_000,
      backoffBaseMs: 500, backoffMaxMs: 30_000, maxCrashes: 5, crashWindowMs: 600_000, maxTenantsPerInstance: 0, idleStopMs,
      maxConcurrentStarts: env('TENANT_START_CONCURRENCY', 4),
    },
    log: (level, msg, fields) => { if (level === 'error') log(msg, fields ?? ''); },
    onTenantChange: invalidateTenantRoute,
  });
  const collector = new SyncCollector({ db, authSecret: AUTH_SECRET, intervalMs: 5000, concurrency: 4, onlyHeldBy: supervisor.holderId });
  supervisor.start();
  collector.start();
  app = { supervisor, collector };
}
// As in the app (services.ts): a request that wakes a tenant starts this process's supervisor pass at once.
setSupervisorNudge((id) => app?.supervisor.wake(id));
async function stopApp() {
  if (!app) return;
  await app.collector.stop();
  await app.supervisor.stop();
  app = null;
}
const deps: TenantProxyDeps = {
  getRoute: (id) => getTenantRoute(db, id), authSecret: AUTH_SECRET, appOrigin: APP, subscribeUrl: 'https://example.test/subscribe',
  connectTimeoutMs: 5000, idleTimeoutMs: 60_000, wake: (id) => wakeTenant(db, id, 30_000),
};
const request = async (tenantId: string, method: string, p: string, body?: unknown) => {
  const t0 = performance.now();
  const init: RequestInit & { duplex?: string } = { method };
  if (body !== undefined) Object.assign(init, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, duplex: 'half' });
  const res = await handleTenantProxy(new Request(APP + p, init), { tenantId, via: 'bearer' }, deps);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
};

async function statusCounts(): Promise<Record<string, number>> {
  const r = await db.select({ status: schema.tenants.status, n: sql<number>`count(*)::int` }).from(schema.tenants).groupBy(schema.tenants.status);
  return Object.fromEntries(r.map((x) => [x.status, x.n]));
}
/** Until every tenant is running or sleeping; resolves with the seconds it took. */
async function settle(what: string, ms = 30 * 60_000): Promise<number> {
  const t0 = Date.now();
  let last = '';
  await waitFor(what, async () => {
    const c = await statusCounts();
    const s = JSON.stringify(c);
    if (s !== last) { last = s; log(`  ${what}: ${s}`); }
    return (c.running ?? 0) + (c.sleeping ?? 0) === ids.length;
  }, ms, 500);
  return (Date.now() - t0) / 1000;
}

// ---------------------------------------------------------------------------------------------- measures
function procKb(pid: number, file: string, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}
const tenantPids = async () => (await db.select({ pid: schema.tenantEndpoints.pid }).from(schema.tenantEndpoints))
  .map((r) => r.pid).filter((p): p is number => !!p && fs.existsSync(`/proc/${p}`));
/** The driver's spare tenant process (`--spare`, waiting in the data root), if one waits: part of the fleet's memory. */
function sparePids(): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(' --spare') && fs.readlinkSync(`/proc/${pid}/cwd`) === dirs.dataRoot;
    } catch { return false; }
  });
}
/** The fleet's resident memory: every tenant process's PSS (shared pages split fairly, the spare's too) plus this process's RSS. */
async function fleetMemoryMb(): Promise<{ totalMb: number; tenants: number; tenantPssMb: number; appRssMb: number }> {
  const pids = [...new Set([...(await tenantPids()), ...sparePids()])];
  // Read off the event loop (the kernel walks every mapping of each process): the measuring must not be what blocks.
  const pssKb = await Promise.all(pids.map(async (p) => {
    const text = await fs.promises.readFile(`/proc/${p}/smaps_rollup`, 'utf8').catch(() => '');
    return Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  }));
  const pss = pssKb.reduce((a, b) => a + b, 0) / 1024;
  const appRss = process.memoryUsage().rss / 1048576;
  return { totalMb: pss + appRss, tenants: pids.length, tenantPssMb: pss, appRssMb: appRss };
}
function idleTenantCost(pids: number[]) {
  const per = pids.map((p) => ({
    rssMb: procKb(p, 'status', 'VmRSS') / 1024, pssMb: procKb(p, 'smaps_rollup', 'Pss') / 1024,
    fds: (() => { try { return fs.readdirSync(`/proc/${p}/fd`).length; } catch { return 0; } })(), threads: procKb(p, 'status', 'Threads'),
  }));
  const med = (k: keyof (typeof per)[number]) => quantile(per.map((x) => x[k]), 0.5);
  return { sampled: per.length, rssMb: med('rssMb'), pssMb: med('pssMb'), fds: med('fds'), threads: med('threads') };
}

/**
 * The paced mix on the active tenants, running until stopped: 80 % note reads, 20 % note writes, RPS in total.
 * Samples carry their send time, so each phase reads its own window.
 */
interface MixSample { at: number; ms: number; ok: boolean; status: string }
function startMix() {
  const samples: MixSample[] = [];
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const gap = 1000 / RPS;
  const loop = (async () => {
    const t0 = performance.now();
    for (let i = 0; !stopped; i++) {
      const wait = t0 + i * gap - performance.now();
      if (wait > 0) await sleep(wait);
      const t = active[i % active.length]!;
      const write = i % 5 === 4;
      const at = performance.now();
      const p = (async () => {
        try {
          const r = write
            ? await request(t, 'PUT', `/proxy/${MIX_PROJECT}/knowledge/entities/bench/note-${i % 7}`, { title: `Note ${i % 7}`, folder: 'bench', content: `written at ${i}\n` })
            : await request(t, 'GET', `/proxy/${MIX_PROJECT}/knowledge/entities/bench/note-${i % 7}`);
          const ok = write ? r.status === 200 || r.status === 201 : r.status === 200 || r.status === 404;
          samples.push({ at, ms: r.ms, ok, status: String(r.status) });
        } catch (err) { samples.push({ at, ms: performance.now() - at, ok: false, status: String((err as Error).message) }); }
      })();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  })();
  return {
    /** Requests sent in [from, to) (performance.now() times). */
    window(from: number, to = Infinity) {
      const w = samples.filter((x) => x.at >= from && x.at < to);
      const lat = w.map((x) => x.ms);
      return { requests: w.length, failed: w.filter((x) => !x.ok).map((x) => x.status), p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
    },
    async stop() { stopped = true; await loop; await Promise.all(inFlight); },
  };
}
let theMix: ReturnType<typeof startMix> | null = null;
/** The mix's figures over the next `seconds`. */
async function mix(seconds: number) {
  const from = performance.now();
  await sleep(seconds * 1000);
  const to = performance.now();
  await sleep(2000); // answers of the window's last requests
  return theMix!.window(from, to);
}

/** Runs `fn` while measuring this process's event-loop delay and the control plane's queries/s. */
async function measured<T>(fn: () => Promise<T>) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  // The machine's own scheduling delay in the same window: an idle Node process's event-loop delay p99. On a busy
  // machine it is as large as the app's, and the app's figure says nothing about the app.
  const baseline = execFile(process.execPath, ['-e', `const h=require('node:perf_hooks').monitorEventLoopDelay({resolution:10});h.enable();
    process.stdin.on('data',()=>{});process.stdin.on('end',()=>{h.disable();console.log(h.percentile(99)/1e6)})`], { encoding: 'utf8' });
  h.enable();
  const q0 = queries;
  const t0 = performance.now();
  const result = await fn();
  h.disable();
  const secs = (performance.now() - t0) / 1000;
  const idleP99 = await new Promise<number>((resolve) => {
    let out = '';
    baseline.stdout!.on('data', (d) => { out += d; });
    baseline.on('close', () => resolve(Number(out.trim()) || Number.NaN));
    baseline.stdin!.end();
  });
  return { result, loopP99Ms: h.percentile(99) / 1e6, loopMaxMs: h.max / 1e6, idleLoopP99Ms: idleP99, queriesPerS: (queries - q0) / secs };
}

// ---------------------------------------------------------------------------------------------- run
const projectsOf = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
const MIX_PROJECT = projectsOf(smallCorpus)[0]!;
let exitCode = 0;
const report: string[] = [];
const row = (what: string, figure: string, target = '', ok?: boolean) => {
  if (ok === false) exitCode = 1;
  report.push(`| ${what} | ${figure} | ${target}${ok === undefined ? '' : ok ? ' ✓' : ' ✗'} |`);
};
/** Wakes `ids` by a request each, `conc` at a time; resolves with the failed statuses. */
async function wakeAll(list: string[], conc = 8): Promise<string[]> {
  const failed: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < list.length) {
      const r = await request(list[next++]!, 'GET', '/proxy/projects/projects').catch((e: Error) => ({ status: e.message, ms: 0 }));
      if (r.status !== 200) failed.push(String(r.status));
    }
  }));
  return failed;
}
const awakeCount = async () => (await tenantPids()).length;

try {
  log(`phase 1: sleep on (idle ${IDLE_S} s), each of the ${ids.length} tenants starts once (index built) and falls asleep`);
  startApp(IDLE_S * 1000);
  const firstStart = await settle('first start');
  await waitFor('every tenant asleep', async () => (await statusCounts()).sleeping === ids.length && !app!.supervisor.runningTenants().length, 60 * 60_000, 1000);
  const provisionS = (performance.now() - provisionedAt) / 1000;
  log(`provisioned: ${ids.length} tenants started once and asleep after ${provisionS.toFixed(0)} s (all running or asleep after ${firstStart.toFixed(0)} s)`);

  log(`phase 2: sleep off; ${AWAKE.join(' then ')} tenants awake (${ACTIVE} of them active) while all ${ids.length} are supervised`);
  await stopApp();
  startApp(0);
  const samples: { awake: number; mem: Awaited<ReturnType<typeof fleetMemoryMb>>; loopP99Ms: number; idleLoopP99Ms: number; queriesPerS: number }[] = [];
  const wakeFailures: string[] = [];
  let mixFrom = 0;
  for (const k of AWAKE) {
    // Woken by a request each, as many at once as the supervisor boots (more would only queue behind its boots).
    wakeFailures.push(...(await wakeAll(small.slice(0, k), env('TENANT_START_CONCURRENCY', 4))));
    if (!theMix) {
      theMix = startMix(); // runs to the end: the active tenants never idle long enough to sleep
      mixFrom = performance.now();
    }
    await waitFor(`${k} tenants awake`, async () => (await awakeCount()) >= k, 10 * 60_000, 500);
    await sleep(5000); // start-up runs collected; the fleet goes quiet
    const m = await measured(async () => { await sleep(SECONDS * 500); const mem = await fleetMemoryMb(); await sleep(SECONDS * 500); return mem; });
    samples.push({ awake: k, mem: m.result, loopP99Ms: m.loopP99Ms, idleLoopP99Ms: m.idleLoopP99Ms, queriesPerS: m.queriesPerS });
    log(`sleep off, ${k} awake:`, JSON.stringify(samples.at(-1)));
  }
  const off = theMix!.window(mixFrom, performance.now());
  if (wakeFailures.length) log(`waking the sleep-off samples: ${wakeFailures.length} failed (${[...new Set(wakeFailures)].join(', ')})`);
  const idle = idleTenantCost((await db.select({ pid: schema.tenantEndpoints.pid }).from(schema.tenantEndpoints)
    .where(inArray(schema.tenantEndpoints.tenantId, small.slice(ACTIVE, AWAKE[1]).slice(0, 50)))).map((r) => r.pid!).filter(Boolean));
  const [a, b] = samples as [typeof samples[0], typeof samples[0]];
  const perTenantMb = (b.mem.tenantPssMb - a.mem.tenantPssMb) / (b.awake - a.awake);
  // The whole fleet awake: the measured smaller sample plus the per-tenant slope for every other tenant.
  const offExtrapolatedMb = a.mem.totalMb + perTenantMb * (ids.length - a.awake);
  log('sleep off:', JSON.stringify({ mix: { ...off, failed: off.failed.length }, perTenantMb, offExtrapolatedMb, idle }));

  log(`phase 3: app restart with sleep on (idle ${IDLE_S} s)`);
  const restartFrom = performance.now();
  await stopApp();
  startApp(IDLE_S * 1000);
  const settleAwake = await settle(`restart (${AWAKE[1]} tenants had been running)`);
  const duringRestart = theMix!.window(restartFrom, performance.now());
  await waitFor('the idle tenants to sleep', async () => (await statusCounts()).sleeping! >= ids.length - ACTIVE, 30 * 60_000, 1000);
  await sleep(3000);
  const onFrom = performance.now();
  const on = await measured(async () => {
    const keep = mix(SECONDS);
    await sleep(SECONDS * 500);
    const mem = await fleetMemoryMb(); // mid-window: the active tenants are awake, the rest asleep
    return { mix: await keep, mem };
  });
  log('sleep on:', JSON.stringify({ mix: { ...on.result.mix, failed: on.result.mix.failed.length }, loopP99Ms: on.loopP99Ms, qps: on.queriesPerS, mem: on.result.mem, status: await statusCounts() }));

  log(`phase 4: ${WAKES} wakes of seed-tenant-size tenants (${seeds.length}), each next to a warm request`);
  const wakes: number[] = [];
  const warm: number[] = [];
  const wakeErrors: string[] = [];
  const running = (t: string) => app!.supervisor.runningTenants().some((r) => r.tenantId === t);
  for (let i = 0; i < WAKES && seeds.length; i++) {
    const t = seeds[i % seeds.length]!;
    // Asleep for real: the status says so and its process is gone (a request while it falls asleep waits for the stop).
    await waitFor('a seed tenant asleep', async () => (await db.select({ s: schema.tenants.status }).from(schema.tenants).where(eq(schema.tenants.id, t)))[0]?.s === 'sleeping' && !running(t), 120_000, 100);
    const first = await request(t, 'GET', '/proxy/projects/projects');
    const second = await request(t, 'GET', '/proxy/projects/projects');
    if (first.status !== 200) wakeErrors.push(`wake ${first.status}`);
    if (second.status !== 200) wakeErrors.push(`warm ${second.status}`);
    wakes.push(first.ms);
    warm.push(second.ms);
  }
  log('wakes:', JSON.stringify({ p50: quantile(wakes, 0.5), p95: quantile(wakes, 0.95), warmP50: quantile(warm, 0.5), errors: wakeErrors }));

  const afterOn = theMix!.window(onFrom, performance.now());
  log('phase 5: app restart while the fleet sleeps');
  await stopApp();
  startApp(IDLE_S * 1000);
  const settleAsleep = await settle('restart (fleet asleep)');
  await theMix!.stop();

  const memOn = on.result.mem;
  const share = memOn.totalMb / offExtrapolatedMb;
  const errors = off.failed.length + wakeFailures.length + afterOn.failed.length + wakeErrors.length;
  const loopP99 = Math.max(...samples.map((x) => x.loopP99Ms), on.loopP99Ms);
  row('tenants', `${N} small (${fileCount(smallCorpus)} files) + ${seeds.length} seed-tenant-size (${seeds.length ? fileCount(seedCorpus) : 0} files); ${ACTIVE} active at ${RPS} req/s (80 % reads)`);
  row('provisioning (each tenant started once, index built, asleep)', `${provisionS.toFixed(0)} s at ${env('TENANT_START_CONCURRENCY', 4)} starts at once`);
  for (const x of samples) row(`fleet memory, sleep off, ${x.awake} tenants awake (measured)`, `${x.mem.totalMb.toFixed(0)} MB (${x.mem.tenants} tenant processes, PSS ${x.mem.tenantPssMb.toFixed(0)} MB + app RSS ${x.mem.appRssMb.toFixed(0)} MB)`);
  row(`fleet memory, sleep off, all ${ids.length} awake (EXTRAPOLATED: does not fit this machine)`, `${offExtrapolatedMb.toFixed(0)} MB = ${a.awake}-awake sample + ${perTenantMb.toFixed(1)} MB per further tenant (slope between the two samples)`);
  row(`fleet memory, sleep on, ${ids.length} tenants (measured)`, `${memOn.totalMb.toFixed(0)} MB (${memOn.tenants} tenant processes awake, app RSS ${memOn.appRssMb.toFixed(0)} MB) = ${(share * 100).toFixed(1)} % of sleep off (extrapolated)`, '≤ 25 %', share <= 0.25);
  row('one idle running tenant', `RSS ${idle.rssMb.toFixed(1)} MB, PSS ${idle.pssMb.toFixed(1)} MB, ${idle.fds} file handles, ${idle.threads} threads (median of ${idle.sampled})`);
  row('wake (first request to a sleeping seed-size tenant)', `p50 ${quantile(wakes, 0.5).toFixed(0)} ms, p95 ${quantile(wakes, 0.95).toFixed(0)} ms (n=${wakes.length}); warm request p50 ${quantile(warm, 0.5).toFixed(1)} ms`, 'p95 ≤ 1 000 ms', quantile(wakes, 0.95) <= 1000);
  row('failed requests (mix + wakes)', `${errors} of ${off.requests + AWAKE[1]! + afterOn.requests + wakes.length * 2}`, '0', errors === 0);
  row('mix requests failed during the restart (single instance, tenants restarting)', `${duringRestart.failed.length} of ${duringRestart.requests} (${[...new Set(duringRestart.failed)].join(', ') || 'none'})`);
  row('mix latency, sleep off / on', `p50 ${off.p50.toFixed(1)} / ${on.result.mix.p50.toFixed(1)} ms, p99 ${off.p99.toFixed(1)} / ${on.result.mix.p99.toFixed(1)} ms`);
  row(`app event-loop delay p99 while ${ids.length} tenants are supervised and the awake ones report`, `${samples.map((x) => `${x.loopP99Ms.toFixed(1)} ms (sleep off, ${x.awake} awake)`).join(', ')}, ${on.loopP99Ms.toFixed(1)} ms (sleep on); max ${Math.max(on.loopMaxMs).toFixed(0)} ms (sleep on)`, '≤ 50 ms', loopP99 <= 50);
  row('the same windows: an idle Node process on this machine (scheduling noise, not the app)', `${[...samples.map((x) => x.idleLoopP99Ms), on.idleLoopP99Ms].map((x) => `${x.toFixed(1)} ms`).join(', ')}`);
  row('control-plane Postgres queries/s', `${samples.map((x) => `${x.queriesPerS.toFixed(0)} (sleep off, ${x.awake} awake)`).join(', ')}, ${on.queriesPerS.toFixed(0)} (sleep on)`);
  row('settle after an app restart', `${settleAwake.toFixed(1)} s with ${AWAKE[1]} tenants running before, ${settleAsleep.toFixed(1)} s with the fleet asleep`);
} catch (err) {
  exitCode = 1;
  log('bench failed:', err);
} finally {
  await theMix?.stop().catch(() => {});
  await stopApp().catch(() => {});
  await driver.stopAll(5000).catch(() => {});
  await client.end({ timeout: 5 }).catch(() => {});
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
  await admin.end();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`\nbench:fleet (${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})\n`);
console.log('| | figure | target |\n|---|---|---|');
for (const r of report) console.log(r);
console.log(exitCode ? '\nbench:fleet: a target was missed' : '\nbench:fleet: all targets met');
process.exit(exitCode);
