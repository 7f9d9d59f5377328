// Two hosts on one machine (`npm run sim:two-hosts`, as root): network namespaces bmc-sim-<run>-a and -b on a
// bridge (10.213.<run>.2 and .3), each with its own hostname (UTS namespace), app instance (scripts/sim-host.ts)
// and tenants listening on its own address; one shared files root; one Postgres (reached through a forwarder on the
// bridge, as from another host). Host A holds SIM_TENANTS/2 tenants, host B the rest. A client writes notes to
// every tenant through host B's proxy (each write retried with its Idempotency-Key until acknowledged); then host A
// is lost — `kill -9` of its app and everything else in its namespace. Host B must take A's tenants over within the
// lease TTL (+ a tick) and run them on its own address, and every acknowledged write must be there afterwards (read
// through the API and on disk). Exits 1 otherwise. Prints its figures as JSON on the last line.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { migrateDatabase, openDatabase } from '../lib/db/client.ts';
import { tenantEndpoints, tenantLeases, tenants } from '../lib/db/schema.ts';
import { waitFor } from '../tests/helpers/tenant-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TENANTS = Number(process.env.SIM_TENANTS ?? 4);
const LEASE_TTL_MS = Number(process.env.SIM_LEASE_TTL_MS ?? 5000);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Names and subnet unique to this run (several runs may share the machine); interface names stay ≤ 15 characters.
const RUN = process.pid % 250;
const BRIDGE = `bmcsim${RUN}`;
const GW = `10.213.${RUN}.1`;
const HOSTS = [
  { name: 'a', ns: `bmc-sim-${RUN}-a`, veth: `bmcsim${RUN}a`, addr: `10.213.${RUN}.2`, port: 7100 },
  { name: 'b', ns: `bmc-sim-${RUN}-b`, veth: `bmcsim${RUN}b`, addr: `10.213.${RUN}.3`, port: 7100 },
] as const;
const SECRET = 'two-host-sim-secret-' + 'x'.repeat(32);
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const quietly = (f: () => unknown) => { try { f(); } catch { /* already gone */ } };

function teardownNetwork() {
  for (const h of HOSTS) {
    quietly(() => execFileSync('sh', ['-c', `ip netns pids ${h.ns} 2>/dev/null | xargs -r kill -9`]));
    quietly(() => ip('netns', 'del', h.ns));
    quietly(() => ip('link', 'del', h.veth));
  }
  quietly(() => ip('link', 'del', BRIDGE));
}
function setupNetwork() {
  teardownNetwork();
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${GW}/24`, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
  for (const h of HOSTS) {
    const outside = h.veth;
    ip('netns', 'add', h.ns);
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns);
    ip('link', 'set', outside, 'master', BRIDGE);
    ip('link', 'set', outside, 'up');
    ip('-n', h.ns, 'addr', 'add', `${h.addr}/24`, 'dev', 'eth0');
    ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
    ip('-n', h.ns, 'link', 'set', 'lo', 'up');
  }
}

/** Postgres listens on loopback only: the hosts reach it through this forwarder on the bridge address. */
function pgForwarder(): Promise<net.Server> {
  const u = new URL(ADMIN_URL);
  const server = net.createServer((c) => {
    const up = net.connect(Number(u.port || 5432), u.hostname);
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  return new Promise((r) => server.listen(5432, GW, () => r(server)));
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error('needs root (ip netns)');
  const dbName = `bmc_two_host_${Date.now().toString(36)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  const localUrl = new URL(ADMIN_URL); localUrl.pathname = '/' + dbName;
  const hostUrl = new URL(localUrl); hostUrl.hostname = GW; hostUrl.port = '5432';
  const h = await openDatabase({ url: localUrl.toString(), max: 3 });
  await migrateDatabase(h);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-two-host-'));
  const dataRoot = path.join(tmp, 'shared-files');
  const apps = new Map<string, ChildProcess>();
  let forwarder: net.Server | null = null;
  try {
    setupNetwork();
    forwarder = await pgForwarder();
    const ids = (await h.db.insert(tenants).values(Array.from({ length: TENANTS }, (_, i) => ({ name: `sim-${i}`, bucketName: `sim-${i}` })))
      .returning({ id: tenants.id })).map((r) => r.id);

    const startHost = (host: (typeof HOSTS)[number], maxTenants: number) => {
      const env = {
        ...process.env, DATABASE_URL: hostUrl.toString(), SIM_ADDR: host.addr, SIM_PORT: String(host.port), SIM_AUTH_SECRET: SECRET,
        SIM_DATA_ROOT: dataRoot, SIM_INDEX_ROOT: path.join(tmp, `index-${host.name}`), SIM_LEASE_TTL_MS: String(LEASE_TTL_MS), SIM_MAX_TENANTS: String(maxTenants),
      };
      const node = path.join(ROOT, 'node_modules/.bin/node');
      const child = spawn('ip', ['netns', 'exec', host.ns, 'unshare', '--uts', 'sh', '-c',
        `hostname sim-host-${host.name} && exec "${node}" --import tsx scripts/sim-host.ts`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const logFile = fs.createWriteStream(path.join(tmp, `host-${host.name}.log`));
      child.stdout!.pipe(logFile);
      child.stderr!.pipe(logFile);
      apps.set(host.name, child);
      return child;
    };
    const holdersOf = async () => {
      const rows = await h.db.select({ id: tenantEndpoints.tenantId, instance: tenantEndpoints.instanceId, host: tenantEndpoints.host, status: tenants.status })
        .from(tenantEndpoints).innerJoin(tenants, eq(tenants.id, tenantEndpoints.tenantId)).where(inArray(tenantEndpoints.tenantId, ids));
      return rows;
    };


    const half = Math.ceil(TENANTS / 2);
    startHost(HOSTS[0], half);
    await waitFor(`host A running ${half} tenants`, async () => (await holdersOf()).filter((r) => r.status === 'running' && r.host === HOSTS[0].addr).length === half, 300_000, 250);
    startHost(HOSTS[1], 0);
    await waitFor('every tenant running', async () => (await holdersOf()).filter((r) => r.status === 'running').length === TENANTS, 300_000, 250);
    const onA = (await holdersOf()).filter((r) => r.host === HOSTS[0].addr).map((r) => r.id);
    log(`host A runs ${onA.length} tenants, host B ${TENANTS - onA.length}`);

    // The client: notes written to every tenant through host B's proxy, each retried with its key until acknowledged.
    const acked: Array<{ tenant: string; n: number }> = [];
    let retried = 0;
    let writing = true;
    const B = `http://${HOSTS[1].addr}:${HOSTS[1].port}`;
    const writeOne = async (tenant: string, n: number) => {
      const key = crypto.randomUUID();
      const end = Date.now() + 120_000;
      for (;;) {
        try {
          const r = await fetch(`${B}/proxy/main/knowledge/entities/sim/note-${n}`, {
            method: 'PUT', headers: { 'x-sim-tenant': tenant, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({ title: `Note ${n}`, folder: 'sim', content: `write ${n}\n` }), signal: AbortSignal.timeout(20_000),
          });
          await r.arrayBuffer();
          if (r.status === 200 || r.status === 201) { acked.push({ tenant, n }); return; }
        } catch { /* connection lost with the host: retry */ }
        retried++;
        if (Date.now() > end) throw new Error(`write ${n} to ${tenant} never acknowledged`);
        await sleep(250);
      }
    };
    let n = 0;
    const writer = (async () => {
      while (writing) {
        await Promise.all(ids.map((t) => writeOne(t, n)));
        n++;
        await sleep(100);
      }
    })();
    await sleep(3000);

    log('host A lost: kill -9 of its app and everything else in its namespace');
    const ackedBefore = acked.length;
    const killedAt = Date.now();
    execFileSync('sh', ['-c', `ip netns pids ${HOSTS[0].ns} | xargs -r kill -9`]);
    const bHolder = await waitFor('host B status', async () => {
      const r = await fetch(`${B}/sim/status`);
      return ((await r.json()) as { holder: string }).holder;
    }, 10_000);
    const leasedAfterMs = await waitFor("A's tenants leased by host B", async () => {
      const rows = await h.db.select().from(tenantLeases).where(inArray(tenantLeases.tenantId, onA));
      return rows.length === onA.length && rows.every((r) => r.holder === bHolder) ? Date.now() - killedAt : null;
    }, 120_000, 50);
    const runningAfterMs = await waitFor("A's tenants running on host B", async () => {
      const rows = (await holdersOf()).filter((r) => onA.includes(r.id));
      return rows.every((r) => r.status === 'running' && r.host === HOSTS[1].addr && r.instance === bHolder) ? Date.now() - killedAt : null;
    }, 300_000, 100);
    log(`A's tenants leased by B after ${leasedAfterMs} ms, running there after ${runningAfterMs} ms`);
    await sleep(2000);
    writing = false;
    await writer;

    // Every acknowledged write is there: through the API (host B) and on the shared disk.
    const missing: string[] = [];
    for (const w of acked) {
      const r = await fetch(`${B}/proxy/main/resource/sim/note-${w.n}`, { headers: { 'x-sim-tenant': w.tenant } });
      const text = await r.text();
      if (r.status !== 200 || !text.includes(`write ${w.n}`)) missing.push(`${w.tenant}/note-${w.n} (${r.status})`);
      const file = path.join(dataRoot, w.tenant, 'data', 'main', 'sim', `Note ${w.n}.md`);
      if (!fs.existsSync(file) || !fs.readFileSync(file, 'utf8').includes(`write ${w.n}`)) missing.push(`${w.tenant}/Note ${w.n}.md not on disk`);
    }
    const ok = missing.length === 0 && leasedAfterMs <= LEASE_TTL_MS + 2000;
    const figures = {
      tenants: TENANTS, movedFromA: onA.length, leaseTtlMs: LEASE_TTL_MS, leasedByBAfterMs: leasedAfterMs, runningOnBAfterMs: runningAfterMs,
      writesAcknowledged: acked.length, writesAcknowledgedBeforeLoss: ackedBefore, writeRetries: retried, lostWrites: missing.length, ok,
    };
    if (missing.length) log('missing:', missing.slice(0, 20));
    console.log(JSON.stringify(figures));
    return ok ? 0 : 1;
  } finally {
    for (const c of apps.values()) quietly(() => c.kill('SIGKILL'));
    teardownNetwork();
    forwarder?.close();
    await h.close();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end();
    if (process.env.SIM_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
}

process.exit(await main().catch((err) => { console.error(err); return 1; }));
