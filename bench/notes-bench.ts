// `npm run bench:notes`: the note API as an agent uses it, through the real /proxy with a CLI token, next to the
// same calls made to the tenant API directly (signed), in one run on loopback:
//   1. a fresh Postgres database and the app (scripts/start.mjs, builds when stale) on BENCH_PORT (default 3650,
//      dev OIDC on +1); an account whose tenant the app starts; a real CLI access token;
//   2. a `seed-tenant` corpus (../shared/tools/make-corpus) copied into the tenant's data dir and indexed;
//   3. per operation, BENCH_N requests (default 200) alternating direct / proxy (order flipped each time, so both
//      see the same machine): search, read a note (GET /resource/{permalink}, what read_note fetches), get the
//      note's entity, build context at depth 1 and 2, write a new note (PUT), edit it (PATCH append).
// Prints p50/p95 per operation and path, and the verdict against the targets (through the proxy: search and
// read p95 ≤ 30 ms, build context depth 2 p95 ≤ 80 ms); exits 1 on a miss, 2 when the run itself fails.
// The notes browser's note page is timed too (measureNotePage from bench/notes-page-bench.ts: GET with a session
// cookie, server time to the last byte, after a warm-up) against its target (p95 ≤ 150 ms), with the app's CPU
// per page (app and tenant processes together: "all"). BENCH_NOTE_PAGE=/path/with/{project}/and/{permalink} picks another page; BENCH_NOTE_PAGE=off skips it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../lib/db/client.ts';
import { tenantSignatureHeaders } from '../lib/tenants/tenant-credential.ts';
import { createPostgresDatabase } from '../tests/helpers/test-db.ts';
import { cpuOfTree, measureNotePage, NOTE_PAGE_TARGET_P95_MS } from './notes-page-bench.ts';
import { AUTH_SECRET, ROOT, provisionAccount, sessionCookie, startApp, waitTenantRunning } from './lib/app-harness.ts';

const PORT = Number(process.env.BENCH_PORT ?? 3650);
const N = Math.min(Math.max(Number(process.env.BENCH_N ?? 200), 20), 5000);
const PAGE_SETTING = process.env.BENCH_NOTE_PAGE ?? '/projects/{project}/notes/{permalink}';
const PAGE = PAGE_SETTING === 'off' ? '' : PAGE_SETTING;
const MAKE_CORPUS = path.resolve(ROOT, '..', 'shared', 'tools', 'make-corpus');

interface Call { method: string; path: string; body?: unknown }
interface Stat { p50: number; p95: number; errors: number; cpuMs?: number | null }

/** CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | null): number | null {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ
  } catch { return null; }
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN; };

async function timed(url: string, init: RequestInit): Promise<{ ms: number; ok: boolean; status: number }> {
  const t0 = performance.now();
  const r = await fetch(url, init);
  await r.arrayBuffer();
  return { ms: performance.now() - t0, ok: r.ok, status: r.status };
}

async function main() {
  if (!fs.existsSync(MAKE_CORPUS)) throw new Error(`make-corpus not found at ${MAKE_CORPUS} (../shared/tools/make-corpus relative to the checkout)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-notes-bench-'));
  const pg = await createPostgresDatabase();
  let stopApp: (() => Promise<void>) | null = null;
  let spawned: import('node:child_process').ChildProcess | null = null;
  const cleanup = async () => {
    if (stopApp) await stopApp();
    else if (spawned && spawned.exitCode === null) spawned.kill('SIGTERM');
    await pg.drop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { void cleanup().finally(() => process.exit(130)); });
  try {
    console.log(`[bench] starting the app on port ${PORT} (fresh Postgres database, data in ${tmp})…`);
    const started = await startApp({ port: PORT, tmp, databaseUrl: pg.url, onSpawn: (a) => { spawned = a; } });
    stopApp = started.stop;
    const APP = started.url;
    const h = await openDatabase({ url: pg.url, max: 2 });
    const account = await provisionAccount(h.db, 'notes-bench');
    const ep = await waitTenantRunning(h.db, account.tenantId);
    const bearer = { authorization: `Bearer ${account.token}`, accept: 'application/json' };

    // The corpus: one top-level folder per project, copied into the tenant's data dir, then indexed.
    const corpus = path.join(tmp, 'corpus');
    const mk = spawnSync(MAKE_CORPUS, ['--preset', 'seed-tenant', '--out', corpus], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (mk.status !== 0) throw new Error(`make-corpus failed (${mk.status})`);
    const tenantData = path.join(tmp, 'data', 'tenants', account.tenantId, 'data');
    if (!fs.existsSync(tenantData)) throw new Error(`tenant data dir not found: ${tenantData}`);
    const count = (d: string): number => fs.readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(d, e.name)) : e.name.endsWith('.md') ? 1 : 0), 0);
    const folders = fs.readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    for (const f of folders) fs.cpSync(path.join(corpus, f), path.join(tenantData, f), { recursive: true });
    const biggest = folders.map((f) => ({ f, n: count(path.join(corpus, f)) })).sort((a, b) => b.n - a.n)[0]!;
    const list = await (await fetch(`${APP}/proxy/projects/projects`, { headers: bearer })).json() as { projects: { name: string }[] };
    if (!list.projects.some((p) => p.name === biggest.f)) throw new Error(`project ${biggest.f} not discovered`);
    const project = encodeURIComponent(biggest.f);
    const t0 = performance.now();
    const sync = await fetch(`${APP}/proxy/${project}/project/sync?force_full=true&run_in_background=false`, { method: 'POST', headers: bearer });
    if (!sync.ok) throw new Error(`sync answered ${sync.status}: ${await sync.text()}`);
    console.log(`[bench] corpus: ${folders.length} projects; benchmarking '${biggest.f}' (${biggest.n} notes, indexed in ${(performance.now() - t0).toFixed(0)} ms)`);

    // Samples from the project itself: notes (with and without relations) and words of their titles.
    const tree = await (await fetch(`${APP}/proxy/${project}/directory/tree`, { headers: bearer })).json() as any;
    const files: { permalink: string; title: string }[] = [];
    const walk = (n: any) => { if (n.type === 'file' && n.permalink && n.content_type === 'text/markdown') files.push({ permalink: n.permalink, title: n.title }); for (const c of n.children ?? []) walk(c); };
    walk(tree);
    if (files.length < 20) throw new Error(`only ${files.length} notes in the project`);
    const pick = (i: number) => files[(i * 7919) % files.length]!;
    const words = [...new Set(files.flatMap((f) => f.title.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 3)))];
    if (!words.length) throw new Error('no search words in the titles');

    const direct = (c: Call) => {
      const headers: Record<string, string> = { ...tenantSignatureHeaders(AUTH_SECRET, account.tenantId, c.method, c.path), accept: 'application/json' };
      if (c.body !== undefined) headers['content-type'] = 'application/json';
      return timed(`http://${ep.host}:${ep.port}${c.path}`, { method: c.method, headers, ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}) });
    };
    const proxied = (c: Call) => timed(`${APP}/proxy${c.path}`, {
      method: c.method, headers: { ...bearer, ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
    });

    const ops: { name: string; call: (i: number, via: 'd' | 'p') => Call; target?: number }[] = [
      { name: 'search', target: 30, call: (i) => ({ method: 'GET', path: `/${project}/search?q=${encodeURIComponent(words[i % words.length]!)}&page=1&page_size=10` }) },
      { name: 'read note (resource)', target: 30, call: (i) => ({ method: 'GET', path: `/${project}/resource/${pick(i).permalink}` }) },
      { name: 'get entity', call: (i) => ({ method: 'GET', path: `/${project}/knowledge/entities/${pick(i).permalink}` }) },
      { name: 'build context d=1', call: (i) => ({ method: 'GET', path: `/${project}/memory/${pick(i).permalink}?depth=1` }) },
      { name: 'build context d=2', target: 80, call: (i) => ({ method: 'GET', path: `/${project}/memory/${pick(i).permalink}?depth=2` }) },
      { name: 'write note (PUT)', call: (i, via) => ({ method: 'PUT', path: `/${project}/knowledge/entities/bench/bench-${via}-${i}`,
        body: { title: `bench ${via} ${i}`, folder: 'bench', content: `# bench ${via} ${i}\n\n- [fact] written by the benchmark #bench\n- relates_to [[${pick(i).title}]]\n` } }) },
      { name: 'edit note (PATCH)', call: (i, via) => ({ method: 'PATCH', path: `/${project}/knowledge/entities/bench/bench-${via}-${i}`, body: { operation: 'append', content: `\nedited ${i}\n` } }) },
    ];
    const results: { name: string; target?: number; d: Stat; p: Stat; cpuMs: number | null }[] = [];
    for (const op of ops) {
      // warm-up (JIT, statement cache), not counted
      for (let i = 0; i < 5; i++) { await direct(op.call(N + i, 'd')); await proxied(op.call(N + i, 'p')); }
      const d: number[] = [], p: number[] = [];
      let de = 0, pe = 0;
      const cpu0 = cpuSeconds(ep.pid);
      for (let i = 0; i < N; i++) {
        const one = async (via: 'd' | 'p') => {
          const r = await (via === 'd' ? direct : proxied)(op.call(i, via));
          (via === 'd' ? d : p).push(r.ms);
          if (!r.ok) { if (via === 'd') de++; else pe++; if (de + pe === 1) console.log(`[bench] ${op.name}: HTTP ${r.status} (${via === 'd' ? 'direct' : 'proxy'})`); }
        };
        if (i % 2 === 0) { await one('d'); await one('p'); } else { await one('p'); await one('d'); }
      }
      const cpu1 = cpuSeconds(ep.pid);
      // The tenant's own CPU per request: what the machine's load cannot inflate much (latency under contention can).
      const cpuMs = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1000) / (2 * N) : null;
      results.push({ name: op.name, target: op.target, d: { p50: pct(d, 0.5), p95: pct(d, 0.95), errors: de }, p: { p50: pct(p, 0.5), p95: pct(p, 0.95), errors: pe }, cpuMs });
    }
    let page: Stat | null = null;
    if (PAGE) {
      const cookie = await sessionCookie(h.db, account.userId, 'notes-bench@example.test');
      const urls = [...new Set(Array.from({ length: 40 }, (_, i) => `${APP}${PAGE.replace('{project}', project).replace('{permalink}', pick(i).permalink.split('/').map(encodeURIComponent).join('/'))}`))];
      const appPid = started.app.pid ?? null;
      const cpu0 = appPid ? cpuOfTree(appPid) : null;
      const r = await measureNotePage({ cookie, urls, samples: N });
      const cpu1 = appPid ? cpuOfTree(appPid) : null;
      const requests = r.n + r.failures + Math.min(30, urls.length * 2);
      page = { p50: r.p50, p95: r.p95, errors: r.failures, cpuMs: cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1000) / requests : null };
    }
    await h.close();

    const f = (x: number) => x.toFixed(2).padStart(8);
    console.log(`\n${N} requests per operation and path (alternating), latency in ms from send to last byte:`);
    console.log('operation               direct p50   p95   proxy p50     p95   tenant CPU/req   target (proxy p95)   verdict');
    let ok = true;
    for (const r of results) {
      const met = r.target === undefined ? null : r.p.p95 <= r.target;
      const clean = r.d.errors === 0 && r.p.errors === 0;
      if (met === false || !clean) ok = false;
      console.log(`${r.name.padEnd(22)} ${f(r.d.p50)} ${f(r.d.p95)} ${f(r.p.p50)} ${f(r.p.p95)}   ${(r.cpuMs === null ? 'n/a' : `${r.cpuMs.toFixed(2)} ms`).padStart(11)}      ${(r.target ? `≤ ${r.target} ms` : '—').padEnd(18)} ${!clean ? `ERRORS (${r.d.errors} direct, ${r.p.errors} proxy)` : met === null ? '(no target)' : met ? 'met' : 'NOT met'}`);
    }
    if (page) {
      const met = page.p95 <= NOTE_PAGE_TARGET_P95_MS && page.errors === 0;
      if (!met) ok = false;
      const cpu = page.cpuMs == null ? 'n/a' : `${page.cpuMs.toFixed(1)} ms all`;
      console.log(`${'note page (server)'.padEnd(22)} ${''.padStart(8)} ${''.padStart(8)} ${f(page.p50)} ${f(page.p95)}   ${cpu.padStart(11)}      ${`≤ ${NOTE_PAGE_TARGET_P95_MS} ms`.padEnd(18)} ${page.errors ? `ERRORS (${page.errors})` : met ? 'met' : 'NOT met'}`);
    } else {
      console.log('note page: not measured (BENCH_NOTE_PAGE=off)');
    }
    console.log(`${os.cpus().length} CPU cores shared by app, tenant and this client; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`verdict: ${ok ? 'all targets met' : 'TARGET MISSED or errors'}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error('[bench] failed:', err instanceof Error ? err.message : err);
  process.exit(2);
});
