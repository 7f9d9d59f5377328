// The note page's server time (issue 11's `bench:notes` target: p95 ≤ 150 ms).
//
// Two ways to use it:
//   1. From another benchmark (bench/notes-bench.ts), which already runs the app with a seeded tenant:
//        import { measureNotePage, notePageUrls, NOTE_PAGE_TARGET_P95_MS } from './notes-page-bench.ts';
//        const urls = await notePageUrls(appUrl, cookie, 'project name', 40);   // note pages of that project
//        const r = await measureNotePage({ appUrl, cookie, urls });             // {p50, p95, p99, n}
//      `cookie` is a session cookie (`next-auth.session-token=…`, see sessionCookie() in bench/lib/app-harness.ts).
//   2. On its own: `npm run bench:notes-page` starts the app (scripts/start.mjs, builds if stale) on
//      BENCH_PORT (default 4010) with a fresh Postgres database, gives a new account's tenant a
//      `seed-tenant` corpus (../shared/tools/make-corpus), syncs it, and measures.
// What is measured: a GET of /projects/{p}/notes/{path} with the session cookie, from the request to the
// last byte of the server-rendered HTML, one request at a time, after a warm-up. That page's server work is
// the tree of the project, the file, markdown rendering, link resolution and the backlink search (candidate
// notes read and checked). Exits non-zero when p95 misses the target.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { sessionCookie } from './lib/app-harness.ts';
import { openDatabase } from '../lib/db/client.ts';
import { memberships, tenants, users } from '../lib/db/schema.ts';
import { createPostgresDatabase } from '../tests/helpers/test-db.ts';

export const NOTE_PAGE_TARGET_P95_MS = 150;

export interface NotePageFigures { n: number; p50: number; p95: number; p99: number; max: number; failures: number }


/** Up to `count` note pages of `project`, taken from the BFF's tree (spread over the project). */
export async function notePageUrls(appUrl: string, cookie: string, project: string, count = 40): Promise<string[]> {
  const r = await fetch(`${appUrl}/api/projects/${encodeURIComponent(project)}/notes`, { headers: { cookie } });
  if (r.status !== 200) throw new Error(`GET notes tree of ${project}: ${r.status} ${await r.text()}`);
  const body = await r.json() as { tree: Node[] };
  type Node = { type: string; file_path: string; children?: Node[] };
  const files: string[] = [];
  const walk = (ns: Node[]) => { for (const n of ns) { if (n.type === 'file' && n.file_path.endsWith('.md')) files.push(n.file_path); if (n.children) walk(n.children); } };
  walk(body.tree);
  if (!files.length) throw new Error(`project ${project} has no notes`);
  const step = Math.max(1, Math.floor(files.length / count));
  return files.filter((_, i) => i % step === 0).slice(0, count)
    .map((f) => `${appUrl}/projects/${encodeURIComponent(project)}/notes/${f.split('/').map(encodeURIComponent).join('/')}`);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;

/** Sequential GETs of the note pages (round-robin), after `warmup` unmeasured ones. */
export async function measureNotePage(opts: { appUrl?: string; cookie: string; urls: string[]; samples?: number; warmup?: number }): Promise<NotePageFigures> {
  const samples = opts.samples ?? 200;
  const warmup = opts.warmup ?? Math.min(30, opts.urls.length * 2);
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < warmup + samples; i++) {
    const url = opts.urls[i % opts.urls.length]!;
    const t0 = performance.now();
    const r = await fetch(url, { headers: { cookie: opts.cookie }, redirect: 'manual' });
    const html = await r.text();
    const ms = performance.now() - t0;
    if (r.status !== 200 || !html.includes('data-testid="note-title"')) { failures++; if (failures <= 3) console.error(`[bench] ${url}: ${r.status}`); continue; }
    if (i >= warmup) times.push(ms);
  }
  times.sort((a, b) => a - b);
  if (!times.length) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, failures };
  return { n: times.length, p50: pct(times, 0.5), p95: pct(times, 0.95), p99: pct(times, 0.99), max: times[times.length - 1]!, failures };
}

/** Sequential GETs of `urls` (round-robin); `check` tells a good body. */
async function measureUrls(urls: string[], cookie: string, samples: number, check: (body: string) => boolean): Promise<NotePageFigures> {
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const r = await fetch(urls[i % urls.length]!, { headers: cookie ? { cookie } : {} });
    const body = await r.text();
    const ms = performance.now() - t0;
    if (r.status !== 200 || !check(body)) { failures++; continue; }
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  if (!times.length) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, failures };
  return { n: times.length, p50: pct(times, 0.5), p95: pct(times, 0.95), p99: pct(times, 0.99), max: times[times.length - 1]!, failures };
}

/** CPU seconds (user + system) of a process and all its descendants (Linux /proc). */
export function cpuOfTree(root: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) / 100);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(d));
    } catch { /* gone */ }
  }
  let total = 0;
  const walk = (pid: number) => { total += cpu.get(pid) ?? 0; for (const c of children.get(pid) ?? []) walk(c); };
  walk(root);
  return total;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const ROOT = path.resolve(import.meta.dirname, '..');
  const PORT = Number(process.env.BENCH_PORT ?? 4010);
  const APP = `http://127.0.0.1:${PORT}`;
  const AUTH_SECRET = 'bench-auth-secret-' + 'n'.repeat(32);
  const makeCorpus = path.resolve(ROOT, '../shared/tools/make-corpus');
  if (!fs.existsSync(makeCorpus)) throw new Error(`missing ${makeCorpus} (the shared corpus tool)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-notes-page-bench-'));
  const pg = await createPostgresDatabase();
  let app: ChildProcess | null = null;
  const cleanup = async () => {
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await new Promise((r) => { const t = setTimeout(() => { app?.kill('SIGKILL'); r(null); }, 10_000); app!.once('exit', () => { clearTimeout(t); r(null); }); });
    }
    await pg.drop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { void cleanup().finally(() => process.exit(130)); });
  let ok = false;
  try {
    const corpus = path.join(tmp, 'corpus');
    const mk = spawnSync(makeCorpus, ['--preset', 'seed-tenant', '--out', corpus], { encoding: 'utf8' });
    if (mk.status !== 0) throw new Error(`make-corpus failed: ${mk.stderr}`);
    console.log(`[bench] corpus: ${mk.stdout.trim().split('\n').pop()}`);
    console.log(`[bench] starting the app on ${APP} (fresh Postgres database, data in ${tmp})…`);
    app = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env, PORT: String(PORT), DEV_OIDC_PORT: String(PORT + 1), APP_URL: APP, DATABASE_URL: pg.url,
        BMC_DATA_DIR: path.join(tmp, 'data'), TENANT_INDEX_ROOT: path.join(tmp, 'index'), AUTH_SECRET, BMC_ENV: 'development',
        OIDC_ISSUER: '', LOG_LEVEL: 'warn', TENANT_SYNC_INTERVAL_SECONDS: '0', NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? `.next-${PORT}`,
      },
    });
    await waitFor('the app', async () => (await fetch(`${APP}/api/health`)).ok, 15 * 60_000);
    const h = await openDatabase({ url: pg.url, max: 2 });
    const [u] = await h.db.insert(users).values({ issuer: 'https://bench.invalid', subject: 'notes-bench', email: 'notes-bench@example.test', emailVerified: true, name: 'bench' }).returning();
    const [t] = await h.db.insert(tenants).values({ name: 'notes-bench', bucketName: 'notes-bench-bucket' }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: t!.id, role: 'owner' });
    await waitFor('the tenant to run', async () => {
      const [row] = await h.db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, t!.id));
      return row?.status === 'running';
    }, 90_000);
    const cookie = await sessionCookie(h.db, u!.id, 'notes-bench@example.test', AUTH_SECRET);
    await h.close();
    const dataDir = path.join(tmp, 'data', 'tenants', t!.id, 'data');
    for (const d of fs.readdirSync(corpus)) fs.cpSync(path.join(corpus, d), path.join(dataDir, d), { recursive: true });
    const projects = await waitFor('the corpus projects', async () => {
      const r = await fetch(`${APP}/proxy/projects/projects`, { headers: { cookie } });
      const j = await r.json() as { projects: { name: string }[] };
      const names = j.projects.map((p) => p.name).filter((n) => n !== 'main');
      return names.length ? names : null;
    }, 30_000);
    for (const p of projects) {
      const s0 = Date.now();
      const r = await fetch(`${APP}/proxy/${encodeURIComponent(p)}/project/sync?run_in_background=false`, { method: 'POST', headers: { cookie, origin: APP } });
      if (r.status !== 200) throw new Error(`sync ${p}: ${r.status} ${await r.text()}`);
      console.log(`[bench] synced ${p} in ${Date.now() - s0} ms`);
    }
    const biggest = projects[0]!;
    const urls = await notePageUrls(APP, cookie, biggest, 40);
    const samples = Number(process.env.BENCH_SAMPLES ?? 300);
    // References in the same run, interleaved with the page: the page's BFF JSON route (the same loader,
    // no React rendering) and the app's /api/health (what any request costs on this machine right now).
    const jsonUrls = urls.map((u) => u.replace(`${APP}/projects/`, `${APP}/api/projects/`));
    const tenantPid = () => { try { return Number(fs.readFileSync(path.join(dataDir, '.basic-memory', 'tenant.lock'), 'utf8').match(/"pid":\s*(\d+)/)?.[1]); } catch { return 0; } };
    const cpuTenant = (): number => { const pid = tenantPid(); return pid ? cpuOfTree(pid) : 0; };
    const sizes = await Promise.all(urls.slice(0, 10).map(async (u) => (await (await fetch(u, { headers: { cookie } })).text()).length));
    const cpu0 = cpuOfTree(app.pid!);
    const t0 = cpuTenant();
    const page = await measureNotePage({ appUrl: APP, cookie, urls, samples });
    const cpu1 = cpuOfTree(app.pid!);
    const t1 = cpuTenant();
    const json = await measureUrls(jsonUrls, cookie, Math.min(samples, 150), (body) => body.includes('"kind":"note"'));
    const health = await measureUrls([`${APP}/api/health`], '', 100, () => true);
    const cpuMs = (cpu1 - cpu0) * 1000 / Math.max(1, page.n + page.failures + Math.min(30, urls.length * 2));
    ok = page.failures === 0 && page.p95 <= NOTE_PAGE_TARGET_P95_MS;
    const row = (name: string, r: NotePageFigures) => console.log(`  ${name.padEnd(34)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${String(r.n).padStart(5)} ${String(r.failures).padStart(4)}`);
    console.log(`\nsequential requests over ${urls.length} notes of "${biggest}" (ms, send to last byte)`);
    console.log(`  ${''.padEnd(34)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'n'.padStart(5)} ${'fail'.padStart(4)}`);
    row('note page (server-rendered HTML)', page);
    row('  reference: its BFF JSON route', json);
    row('  reference: /api/health', health);
    const tenantMs = (t1 - t0) * 1000 / Math.max(1, page.n + page.failures + Math.min(30, urls.length * 2));
    console.log(`  CPU per note page: ${cpuMs.toFixed(1)} ms (app ${(cpuMs - tenantMs).toFixed(1)} ms, tenant ${tenantMs.toFixed(1)} ms); HTML ${Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024)} KiB per page`);
    console.log(`  load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
    console.log(`  target: note page p95 ≤ ${NOTE_PAGE_TARGET_P95_MS} ms: ${ok ? 'MET' : 'MISSED'}`);
  } finally {
    await cleanup();
  }
  process.exit(ok ? 0 : 1);
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('notes-page-bench.ts')) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
