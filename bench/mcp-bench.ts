// `npm run bench:mcp`: what the remote MCP endpoint costs next to the REST call it wraps, for the same person, in one
// run on loopback:
//   1. a fresh Postgres database and the app (`npm start`'s script, builds when stale) on BENCH_PORT (default 5350),
//      an account whose tenant the app starts, a real CLI access token (Bearer); a `seed-tenant` corpus
//      (../shared/tools/make-corpus) copied into the tenant and indexed; the call budget lifted for the run;
//   2. per operation — search (`tools/call search_notes` vs `POST /proxy/v2/projects/{id}/search/`) and read
//      (`tools/call read_note` vs `GET /proxy/{project}/resource/{permalink}`) — BENCH_ROUNDS rounds (default 3) of:
//      (after a 3 s untimed warm-up at saturation each way) 200 req/s evenly paced for BENCH_SECONDS (default 5) each way — REST and MCP in alternating half-second slices
//      of one clock, so both meet the same moments of the machine — then saturation (autocannon, 32 connections);
//      the added p50/p99 are those of all rounds' paced samples together (3 000 a side by default);
//      MCP requests are 2026-07-28 single POSTs, shaped by the official SDK client (captured once, then replayed);
//   3. a 2025-era cold start (initialize, notifications/initialized, tools/list, tools/call search_notes) next to one
//      REST search, BENCH_COLD times sequentially (default 200);
//   4. the app's live V8 heap (bmc_nodejs_heap_live_bytes from /metrics: in use just after a full collection) after
//      warm-up and after BENCH_HEAP_CALLS (or BENCH_MCP_CALLS) MCP calls (default 50 000). V8 may make no full
//      collection for minutes once the load stops, so each reading starts one: the app runs with
//      --heapsnapshot-signal, and a heap snapshot begins with a full collection (the snapshot file is deleted).
// Every project is indexed before anything is timed and scheduled snapshots are off, so no background indexing or
// restic run lands in a timed phase (snapshots under load are bench:snapshots' to judge).
// BENCH_SHORT=1 makes every phase short (1 round of 3 s, 40 cold starts, 5 000 heap calls) for a quick look.
// Targets: added p50 ≤ 3 ms and p99 ≤ 10 ms at 200 req/s; MCP ≥ 50 % of REST throughput at saturation; cold start
// ≤ 4× one REST call at p50; heap within +10 %. Exits 1 on a miss or any error, 2 when the run itself fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
// @ts-expect-error autocannon ships no type declarations
import autocannonUntyped from 'autocannon';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ROOT, startBenchApp } from './lib/bench-app.ts';
import { pacedStreams, quantile, type PacedResult, type PacedStream } from './lib/paced-load.ts';

const PORT = Number(process.env.BENCH_PORT ?? 5350);
// BENCH_SHORT=1: one short round of everything (a few minutes on a busy machine); each setting still wins.
const SHORT = process.env.BENCH_SHORT === '1';
const SECONDS = Math.min(Math.max(Number(process.env.BENCH_SECONDS ?? (SHORT ? 3 : 5)), 2), 60);
const ROUNDS = Math.min(Math.max(Number(process.env.BENCH_ROUNDS ?? (SHORT ? 1 : 3)), 1), 21);
const COLD = Math.min(Math.max(Number(process.env.BENCH_COLD ?? (SHORT ? 40 : 200)), 20), 5000);
const HEAP_CALLS = Math.min(Math.max(Number(process.env.BENCH_HEAP_CALLS ?? process.env.BENCH_MCP_CALLS ?? (SHORT ? 5000 : 50_000)), 1000), 1_000_000);
const MAKE_CORPUS = path.resolve(ROOT, '..', 'shared', 'tools', 'make-corpus');
const TARGET = { addedP50: 3, addedP99: 10, ratio: 0.5, cold: 4, heap: 1.1 };

interface AutocannonResult { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; timeouts: number; non2xx: number }
const autocannon = autocannonUntyped as (opts: Record<string, unknown>, cb: (err: Error | null, r: AutocannonResult) => void) => unknown;
// A list of bodies is sent in turn on each connection (autocannon's request sequence).
const saturate = (url: string, method: string, headers: Record<string, string>, body: string | string[] | undefined, opts: { seconds?: number; amount?: number } = {}) =>
  new Promise<AutocannonResult>((resolve, reject) => autocannon({ url, method, headers, connections: 32, pipelining: 1,
    ...(Array.isArray(body) ? { body: body[0], requests: body.map((b) => ({ body: b })) } : { body }),
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? SECONDS }) },
    (err, r) => (err ? reject(err) : resolve(r))));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  if (!fs.existsSync(MAKE_CORPUS)) throw new Error(`make-corpus not found at ${MAKE_CORPUS}`);
  // The corpus is made before the app starts: spawnSync blocks this process, and a keep-alive socket left idle across
  // it (the start-up health checks') is one the server has closed by the time the next request picks it up.
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-mcp-corpus-'));
  const mk = spawnSync(MAKE_CORPUS, ['--preset', 'seed-tenant', '--out', corpus], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (mk.status !== 0) { fs.rmSync(corpus, { recursive: true, force: true }); throw new Error(`make-corpus failed (${mk.status})`); }
  const heapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-mcp-heap-'));
  const b = await startBenchApp(PORT, {
    // The edge's lag-based refusals are off: the saturation phases run the app's loop late on purpose, and a 503 there
    // would fall on /proxy only (/mcp is not shed at the edge); overload is bench:load's to judge.
    MCP_CALLS_PER_MINUTE: '1000000', MCP_CALL_BURST: '1000000', SNAPSHOT_SCHEDULE: 'false', APP_MAX_EVENT_LOOP_LAG_MS: '0',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir}`.trim(),
  }, 'mcp-bench');
  process.once('SIGINT', () => { void b.cleanup().finally(() => process.exit(130)); });
  const problems: string[] = [];
  try {
    const APP = b.url;
    const bearer = { authorization: `Bearer ${b.token}`, accept: 'application/json' };
    // Corpus into the tenant, biggest project indexed.
    const tenantData = path.join(b.tmp, 'data', 'tenants', b.tenantId, 'data');
    const count = (d: string): number => fs.readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(d, e.name)) : e.name.endsWith('.md') ? 1 : 0), 0);
    const folders = fs.readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    for (const f of folders) fs.cpSync(path.join(corpus, f), path.join(tenantData, f), { recursive: true });
    const biggest = folders.map((f) => ({ f, n: count(path.join(corpus, f)) })).sort((x, y) => y.n - x.n)[0]!;
    const list = await (await fetch(`${APP}/proxy/v2/projects/`, { headers: bearer })).json() as { projects: Array<{ name: string; external_id: string }> };
    const proj = list.projects.find((p) => p.name === biggest.f);
    if (!proj) throw new Error(`project ${biggest.f} not discovered`);
    const project = encodeURIComponent(proj.name);
    // Every project indexed now, so the tenant is not indexing the others in the background of a timed phase.
    for (const p of list.projects) {
      const sync = await fetch(`${APP}/proxy/${encodeURIComponent(p.name)}/project/sync?force_full=true&run_in_background=false`, { method: 'POST', headers: bearer });
      if (!sync.ok) throw new Error(`sync of ${p.name} answered ${sync.status}`);
    }
    const tree = await (await fetch(`${APP}/proxy/${project}/directory/tree`, { headers: bearer })).json() as any;
    const files: Array<{ permalink: string; title: string }> = [];
    const walk = (n: any) => { if (n.type === 'file' && n.permalink && n.content_type === 'text/markdown') files.push({ permalink: n.permalink, title: n.title }); for (const c of n.children ?? []) walk(c); };
    walk(tree);
    const words = [...new Set(files.flatMap((f) => f.title.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 3)))];
    if (files.length < 20 || !words.length) throw new Error('the corpus project is too small');
    console.log(`[bench] corpus: ${folders.length} projects; using '${proj.name}' (${biggest.n} notes)`);
    const pick = (i: number) => files[(i * 7919) % files.length]!;

    // The real app's routing: /mcp and /mcp/ answer (401 + the metadata challenge), never redirect; GET too.
    for (const [method, p] of [['POST', '/mcp'], ['POST', '/mcp/'], ['GET', '/mcp']] as const) {
      const r = await fetch(`${APP}${p}`, { method, redirect: 'manual', headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
      if (r.status !== 401 || !/resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/.test(r.headers.get('www-authenticate') ?? '')) {
        problems.push(`${method} ${p} without a token answered ${r.status} (${r.headers.get('www-authenticate')}), expected 401 with resource_metadata`);
      }
    }

    // The SDK client shapes one 2026-07-28 tools/call; the load replays it with other arguments.
    let template: { headers: Record<string, string>; body: any } | null = null;
    const client = new Client({ name: 'mcp-bench', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${APP}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${b.token}` } },
      fetch: async (url, init) => {
        const body = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
        if (body?.method === 'tools/call') { const h: Record<string, string> = {}; new Headers(init!.headers).forEach((v, k) => { h[k] = v; }); template = { headers: h, body }; }
        return fetch(url, init);
      },
    }));
    const probe = await client.callTool({ name: 'search_notes', arguments: { query: words[0]!, project: proj.name } }) as { isError?: boolean; content: Array<{ text?: string }> };
    if (probe.isError) throw new Error(`search_notes failed: ${probe.content[0]?.text}`);
    const probeRead = await client.callTool({ name: 'read_note', arguments: { identifier: pick(1).permalink, project: proj.name } }) as { isError?: boolean; content: Array<{ text?: string }> };
    if (probeRead.isError || /Note Not Found/.test(probeRead.content[0]?.text ?? '')) throw new Error(`read_note failed: ${probeRead.content[0]?.text?.slice(0, 200)}`);
    await client.close();
    if (!template) throw new Error('could not capture the SDK client\'s tools/call');
    const tpl = template as { headers: Record<string, string>; body: any };
    const mcpHeaders = (tool: string) => ({ ...tpl.headers, 'mcp-name': tool, 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    const mcpBody = (tool: string, args: Record<string, unknown>, id = 1) => JSON.stringify({ ...tpl.body, id, params: { ...tpl.body.params, name: tool, arguments: args } });

    const ops = [
      { name: 'search', tool: 'search_notes',
        rest: { method: 'POST', url: `${APP}/proxy/v2/projects/${proj.external_id}/search/?page=1&page_size=10`, body: (i: number) => JSON.stringify({ text: words[i % words.length] }) },
        mcpArgs: (i: number) => ({ query: words[i % words.length], project: proj.name }) },
      { name: 'read note', tool: 'read_note',
        rest: { method: 'GET', url: null as string | null, urlOf: (i: number) => `${APP}/proxy/${project}/resource/${pick(i).permalink}`, body: null },
        mcpArgs: (i: number) => ({ identifier: pick(i).permalink, project: proj.name }) },
    ];

    const table: string[] = [];
    const HEADER = 'op         round  REST p50 REST p99   MCP p50  MCP p99  REST r/s  MCP r/s   (ms at 200 req/s paced; r/s at saturation, 32 connections)';
    console.log(`\n${HEADER}`);
    const verdicts: Array<{ op: string; addedP50: number; addedP99: number; ratio: number; pooled: { rest: { p50: number; p99: number }; mcp: { p50: number; p99: number }; n: number } }> = [];
    for (const op of ops) {
      const rounds: Array<{ rest: { p50: number; p99: number }; mcp: { p50: number; p99: number }; restRps: number; mcpRps: number }> = [];
      // Every paced sample of every round: the added latency is judged on these (a p99 of one 5 s round is its
      // tenth-slowest request, and the median of three rounds' differences is one round's noise).
      const pooled = { rest: [] as number[], mcp: [] as number[] };
      // Warm-up, not timed: 3 s at saturation each way (caches, JIT and keep-alive pools as in the rounds after it).
      // Searches go through every word the paced rounds send, not one: a warm-up of one query left the index pages and
      // snippets of the others cold, and the first round paid for them.
      const warmHeaders = op.rest.method === 'GET' ? bearer : { ...bearer, 'content-type': 'application/json' };
      const warmSearches = Array.from({ length: words.length }, (_, i) => i);
      await saturate(op.rest.method === 'GET' ? op.rest.urlOf!(ROUNDS) : op.rest.url!, op.rest.method, warmHeaders,
        op.rest.method === 'GET' ? undefined : warmSearches.map((i) => op.rest.body!(i)), { seconds: 3 });
      await saturate(`${APP}/mcp`, 'POST', mcpHeaders(op.tool),
        op.rest.method === 'GET' ? mcpBody(op.tool, op.mcpArgs(ROUNDS)) : warmSearches.map((i) => mcpBody(op.tool, op.mcpArgs(i), i + 1)), { seconds: 3 });
      for (let r = 0; r < ROUNDS; r++) {
        // REST and MCP share one paced clock in alternating half-second slices (200 req/s each while its slice
        // runs), so a pause of the machine or of the app falls on both alike; the round's order alternates.
        const restStream: PacedStream = op.rest.method === 'GET'
          // GETs vary by URL: a fixed note per round (different each round), like the proxy bench.
          ? { name: `rest ${op.name}`, url: op.rest.urlOf!(r), headers: bearer }
          : { name: `rest ${op.name}`, url: op.rest.url!, headers: { ...bearer, 'content-type': 'application/json' }, body: { data: op.rest.body! } };
        const mcpStream: PacedStream = { name: `mcp ${op.name}`, url: `${APP}/mcp`, headers: mcpHeaders(op.tool),
          body: { data: (i) => mcpBody(op.tool, op.rest.method === 'GET' ? op.mcpArgs(r) : op.mcpArgs(i), i + 1) } };
        const [rp, mp] = (r % 2 === 0
          ? await pacedStreams([restStream, mcpStream], 200, SECONDS)
          : (await pacedStreams([mcpStream, restStream], 200, SECONDS)).reverse()) as [PacedResult, PacedResult];
        pooled.rest.push(...rp.samples.map((x) => x.ms));
        pooled.mcp.push(...mp.samples.map((x) => x.ms));
        for (const [label, res] of [['rest', rp], ['mcp', mp]] as const) {
          const bad = res.samples.filter((s) => s.status >= 300).length + res.errors;
          if (bad) problems.push(`${op.name} ${label} paced round ${r + 1}: ${bad} failed requests`);
        }
        const lat = (res: PacedResult) => { const l = res.samples.map((s) => s.ms); return { p50: quantile(l, 0.5), p99: quantile(l, 0.99) }; };
        const restUrl = op.rest.method === 'GET' ? op.rest.urlOf!(r) : op.rest.url!;
        const restSat = await saturate(restUrl, op.rest.method, op.rest.method === 'GET' ? bearer : { ...bearer, 'content-type': 'application/json' }, op.rest.method === 'GET' ? undefined : op.rest.body!(r));
        const mcpSat = await saturate(`${APP}/mcp`, 'POST', mcpHeaders(op.tool), mcpBody(op.tool, op.mcpArgs(r)));
        for (const [label, s] of [['rest', restSat], ['mcp', mcpSat]] as const) {
          if (s.non2xx || s.errors || s.timeouts) problems.push(`${op.name} ${label} saturated round ${r + 1}: ${s.non2xx} non-2xx, ${s.errors + s.timeouts} errors`);
        }
        rounds.push({ rest: lat(rp), mcp: lat(mp), restRps: restSat.requests.average, mcpRps: mcpSat.requests.average });
        table.push(`${op.name.padEnd(10)} ${String(r + 1).padStart(5)}  ${lat(rp).p50.toFixed(2).padStart(8)} ${lat(rp).p99.toFixed(2).padStart(8)}  ${lat(mp).p50.toFixed(2).padStart(8)} ${lat(mp).p99.toFixed(2).padStart(8)}  ${restSat.requests.average.toFixed(0).padStart(8)} ${mcpSat.requests.average.toFixed(0).padStart(8)}`);
        console.log(table[table.length - 1]);
      }
      verdicts.push({
        op: op.name,
        addedP50: quantile(pooled.mcp, 0.5) - quantile(pooled.rest, 0.5),
        addedP99: quantile(pooled.mcp, 0.99) - quantile(pooled.rest, 0.99),
        pooled: { rest: { p50: quantile(pooled.rest, 0.5), p99: quantile(pooled.rest, 0.99) }, mcp: { p50: quantile(pooled.mcp, 0.5), p99: quantile(pooled.mcp, 0.99) }, n: pooled.mcp.length },
        ratio: median(rounds.map((x) => x.mcpRps / x.restRps)),
      });
    }

    // 2025-era cold start: four POSTs before the first answer, next to one REST search.
    const legacyHeaders = { authorization: `Bearer ${b.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const post = async (body: unknown, headers: Record<string, string>) => {
      const r = await fetch(`${APP}/mcp`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`cold start step answered ${r.status}: ${text.slice(0, 200)}`);
      return text;
    };
    const cold: number[] = [];
    const restOne: number[] = [];
    for (let i = 0; i < COLD; i++) {
      const word = words[i % words.length]!;
      const t0 = performance.now();
      const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'mcp-bench-cold', version: '1' } } }, legacyHeaders);
      const version = /"protocolVersion":"([^"]+)"/.exec(init)?.[1] ?? '2025-11-25';
      const h = { ...legacyHeaders, 'mcp-protocol-version': version };
      await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h);
      await post({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, h);
      const out = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_notes', arguments: { query: word, project: proj.name } } }, h);
      if (/"isError":true/.test(out)) problems.push(`cold start tools/call failed: ${out.slice(0, 200)}`);
      cold.push(performance.now() - t0);
      const t1 = performance.now();
      const r = await fetch(`${APP}/proxy/v2/projects/${proj.external_id}/search/?page=1&page_size=10`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ text: word }) });
      await r.arrayBuffer();
      if (!r.ok) problems.push(`REST search answered ${r.status}`);
      restOne.push(performance.now() - t1);
    }
    const coldRatio = quantile(cold, 0.5) / quantile(restOne, 0.5);
    console.log(`[bench] cold start measured (${COLD} times); heap phase: ${HEAP_CALLS} MCP calls…`);

    // Heap: the live set (bmc_nodejs_heap_live_bytes: heap in use just after the app's latest full collection) after
    // warm-up and after HEAP_CALLS MCP calls; heapUsed alone also counts garbage not collected yet, which grows with
    // load whether or not anything leaks (it is printed next to it, lowest of several samples).
    const gauge = (text: string, name: string) => {
      const m = new RegExp(`^${name} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)`, 'm').exec(text);
      if (!m) throw new Error(`${name} not in /metrics`);
      return Number(m[1]);
    };
    // The Next server process(es) under the app's start script: the ones the heap-snapshot signal goes to.
    const nextPids = (): number[] => {
      const kids = new Map<number, number[]>();
      for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try {
          const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
        } catch { /* gone */ }
      }
      const out: number[] = [];
      const visit = (pid: number) => {
        for (const k of kids.get(pid) ?? []) {
          let cmd = '';
          try { cmd = fs.readFileSync(`/proc/${k}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { continue; }
          if (/next/.test(cmd) && !/tenant\/src/.test(cmd)) { out.push(k); visit(k); }
        }
      };
      visit(b.app.pid!);
      return out;
    };
    // Settles for 3 s, then starts a full collection (a heap snapshot) and reads the live set it leaves.
    const heapFloor = async () => {
      await sleep(3000);
      const read = async () => { const text = await (await fetch(`${APP}/metrics`)).text(); return { text, collections: gauge(text, 'bmc_nodejs_gc_full_collections_total') }; };
      const before = (await read()).collections;
      const pids = nextPids();
      if (!pids.length) throw new Error('the Next server process was not found');
      for (const pid of pids) process.kill(pid, 'SIGUSR2');
      for (let i = 0; i < 120; i++) {
        await sleep(500);
        const r = await read();
        if (r.collections > before) {
          for (const f of fs.readdirSync(heapDir)) fs.rmSync(path.join(heapDir, f), { force: true });
          return { used: gauge(r.text, 'bmc_nodejs_heap_used_bytes'), live: gauge(r.text, 'bmc_nodejs_heap_live_bytes') };
        }
      }
      throw new Error('no full collection within 60 s of the heap-snapshot signal');
    };
    const h0 = await heapFloor();
    const heap0 = h0.live;
    const t0 = performance.now();
    const mass = await saturate(`${APP}/mcp`, 'POST', mcpHeaders('search_notes'), mcpBody('search_notes', { query: words[0], project: proj.name }), { amount: HEAP_CALLS });
    if (mass.non2xx || mass.errors || mass.timeouts) problems.push(`heap run: ${mass.non2xx} non-2xx, ${mass.errors + mass.timeouts} errors`);
    const h1 = await heapFloor();
    const heap1 = h1.live;
    const heapRatio = heap1 / heap0;
    // A tool error is an HTTP 200 with isError: the app's own counters say whether every timed call succeeded.
    const scrape = await (await fetch(`${APP}/metrics`)).text();
    for (const m of scrape.matchAll(/^bmc_mcp_tool_calls_total\{tool="([^"]+)",outcome="([^"]+)"\} (\d+)/gm)) {
      // cancelled: the load tool closed its connections at the end of a timed run with calls in flight (no one failed)
      if (m[2] === 'cancelled') console.log(`[bench] ${m[1]}: ${m[3]} calls cancelled by the client`);
      else if (m[2] !== 'ok' && Number(m[3]) > 0) problems.push(`${m[3]} MCP ${m[1]} calls ended ${m[2]}`);
      if (m[2] === 'ok') console.log(`[bench] ${m[1]}: ${m[3]} calls ok`);
    }

    console.log(`\n${HEADER}`);
    for (const l of table) console.log(l);
    console.log('');
    const ok = (b: boolean) => (b ? 'met' : 'MISSED');
    for (const v of verdicts) {
      console.log(`${v.op.padEnd(10)} all ${v.pooled.n} paced samples per side: REST p50 ${v.pooled.rest.p50.toFixed(2)} / p99 ${v.pooled.rest.p99.toFixed(2)} ms, MCP p50 ${v.pooled.mcp.p50.toFixed(2)} / p99 ${v.pooled.mcp.p99.toFixed(2)} ms`);
      console.log(`${v.op.padEnd(10)} added p50 ${v.addedP50.toFixed(2)} ms (target ≤ ${TARGET.addedP50}: ${ok(v.addedP50 <= TARGET.addedP50)}), added p99 ${v.addedP99.toFixed(2)} ms (≤ ${TARGET.addedP99}: ${ok(v.addedP99 <= TARGET.addedP99)}), MCP/REST throughput ${(v.ratio * 100).toFixed(0)} % (≥ ${TARGET.ratio * 100} %: ${ok(v.ratio >= TARGET.ratio)})`);
      if (v.addedP50 > TARGET.addedP50 || v.addedP99 > TARGET.addedP99 || v.ratio < TARGET.ratio) problems.push(`${v.op}: target missed`);
    }
    console.log(`cold start (2025 era: initialize, initialized, tools/list, tools/call) p50 ${quantile(cold, 0.5).toFixed(2)} ms vs one REST search p50 ${quantile(restOne, 0.5).toFixed(2)} ms = ${coldRatio.toFixed(2)}× (target ≤ ${TARGET.cold}×: ${ok(coldRatio <= TARGET.cold)})`);
    if (coldRatio > TARGET.cold) problems.push('cold start: target missed');
    console.log(`live heap after warm-up ${(heap0 / 1048576).toFixed(1)} MiB, after ${HEAP_CALLS} MCP calls (${((performance.now() - t0) / 1000).toFixed(0)} s, ${mass.requests.average.toFixed(0)} r/s) ${(heap1 / 1048576).toFixed(1)} MiB = ${((heapRatio - 1) * 100).toFixed(1)} % (target ≤ +${((TARGET.heap - 1) * 100).toFixed(0)} %: ${ok(heapRatio <= TARGET.heap)}); heap used just after each reading ${(h0.used / 1048576).toFixed(1)} → ${(h1.used / 1048576).toFixed(1)} MiB`);
    if (heapRatio > TARGET.heap) problems.push('heap: target missed');
    console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (figures on a shared machine are indicative)`);
  } finally {
    await b.cleanup();
    fs.rmSync(corpus, { recursive: true, force: true });
    fs.rmSync(heapDir, { recursive: true, force: true });
  }
  if (problems.length) { console.log(`\n[bench] FAILED:\n- ${problems.join('\n- ')}`); return 1; }
  console.log('\n[bench] all targets met');
  return 0;
}

main().then((code) => process.exit(code), (err) => { console.error('[bench] run failed:', err instanceof Error ? err.stack : err, err instanceof Error && err.cause ? err.cause : ''); process.exit(2); });
