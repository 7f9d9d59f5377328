// `npm run bench:load`: overload is refused fast, not queued. In one run, on loopback, with the app's DEFAULT
// shedding settings (the front edge, APP_MAX_IN_FLIGHT, APP_MAX_EVENT_LOOP_LAG_MS; override with BENCH_APP_* only to experiment):
//   1. the app + a provisioned tenant + a CLI token (bench/lib/bench-app.ts), and a 10 KB note;
//   2. the sustainable rate: closed-loop throughput through GET /proxy/… (Bearer) with 16 workers;
//   3. open-model load at a fixed rate (bench/lib/paced-load.ts; a socket per outstanding request, up to
//      BENCH_CONNECTIONS = 4096, so the queue cannot hide in the generator's connection pool): the tenant
//      directly and through the proxy at BENCH_RATE (200) req/s, then through the proxy at 3× the sustainable
//      rate (BENCH_OVERLOAD_RATE overrides);
//   4. back to the base rate right away, for up to 30 s: the recovery time is when the first 1 s window
//      has its p99 back within 2× the base p99 (at least 10 ms) with no sheds.
// Targets (exit 1 on a miss): at the base rate end-to-end p99 ≤ 150 ms, added p99 ≤ 15 ms, no 5xx but sheds;
// at 3× the sustainable rate every request is either served within the latency target (2xx p99 ≤ 150 ms,
// also in the last second: the queue is not growing) or refused fast (503/429 with Retry-After, p99 ≤ 50 ms),
// with no other 5xx and no failed connection — so zero refusals with a 300 ms p99 is a miss; recovery ≤ 30 s.
import os from 'node:os';
import { startBenchApp, BENCH_AUTH_SECRET } from './lib/bench-app.ts';
import { closedLoad, pacedLoad, quantile, type PacedResult } from './lib/paced-load.ts';
import { tenantSignatureHeaders } from '../lib/tenants/tenant-credential.ts';

const PORT = Number(process.env.BENCH_PORT ?? 3810);
const RATE = Math.min(Math.max(Number(process.env.BENCH_RATE ?? 200), 10), 5000);
const SECONDS = Math.min(Math.max(Number(process.env.BENCH_SECONDS ?? 10), 3), 120);
const CONNECTIONS = Math.min(Math.max(Number(process.env.BENCH_CONNECTIONS ?? 4096), 64), 16_384);
const LATENCY_TARGET_MS = 150;
const SHED_TARGET_MS = 50;
// Only when set: the run uses the app's defaults otherwise (the target must hold with them).
const APP_ENV: Record<string, string> = {};
if (process.env.BENCH_APP_MAX_IN_FLIGHT) APP_ENV.APP_MAX_IN_FLIGHT = process.env.BENCH_APP_MAX_IN_FLIGHT;
if (process.env.BENCH_APP_MAX_EVENT_LOOP_LAG_MS) APP_ENV.APP_MAX_EVENT_LOOP_LAG_MS = process.env.BENCH_APP_MAX_EVENT_LOOP_LAG_MS;
// The front edge (on by default) refuses before the app's loop; `false` compares with shedding inside the app.
if (process.env.BENCH_APP_FRONT_EDGE) APP_ENV.APP_FRONT_EDGE = process.env.BENCH_APP_FRONT_EDGE;

const isShed = (s: number) => s === 503 || s === 429;

function summary(r: PacedResult) {
  const ok = r.samples.filter((s) => s.status >= 200 && s.status < 300);
  const shed = r.samples.filter((s) => isShed(s.status));
  const shedNoRetryAfter = shed.filter((s) => !s.retryAfter).length;
  const lastSent = r.samples.reduce((m, s) => Math.max(m, s.sentAt), 0);
  const lastSecond = ok.filter((s) => s.sentAt >= lastSent - 1000);
  const other5xx = r.samples.filter((s) => s.status >= 500 && !isShed(s.status)).length;
  const otherNon2xx = r.samples.filter((s) => (s.status < 200 || s.status >= 300) && !isShed(s.status)).length;
  const all = r.samples.map((s) => s.ms);
  return {
    name: r.name, sent: r.samples.length + r.errors, rps: r.samples.length / r.seconds,
    p50: quantile(all, 0.5), p99: quantile(all, 0.99), okP99: quantile(ok.map((s) => s.ms), 0.99),
    shed: shed.length, shedShare: r.samples.length ? shed.length / r.samples.length : 0, shedP99: quantile(shed.map((s) => s.ms), 0.99),
    other5xx, otherNon2xx, errors: r.errors, shedNoRetryAfter, served: ok.length, lastSecondOkP99: quantile(lastSecond.map((s) => s.ms), 0.99),
  };
}

async function main() {
  const b = await startBenchApp(PORT, APP_ENV, 'loadbench');
  try {
    const bearer = { authorization: `Bearer ${b.token}`, accept: 'application/json' };
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${b.url}/proxy${path}`, { method, headers: { ...bearer, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
      return r.json();
    };
    await api('POST', '/projects/projects', { name: 'load', path: 'load' });
    const content = '# Load note\n\n' + 'All work and no play makes a note 10 KB long. '.repeat(222);
    await api('POST', '/load/knowledge/entities', { title: 'load-note', folder: '', content });
    const notePath = '/load/resource/load-note.md';
    const direct = `http://${b.tenant.host}:${b.tenant.port}${notePath}`;
    const viaProxy = `${b.url}/proxy${notePath}`;
    const probe = await fetch(viaProxy, { headers: bearer });
    const bytes = (await probe.arrayBuffer()).byteLength;
    if (probe.status !== 200) throw new Error(`the note through the proxy answered ${probe.status}`);
    const signed = () => ({ ...tenantSignatureHeaders(BENCH_AUTH_SECRET, b.tenantId, 'GET', notePath), accept: 'application/json' });
    // Warm-up (JIT, pools).
    await pacedLoad('warm-up', viaProxy, bearer, RATE, 3, CONNECTIONS);
    await pacedLoad('warm-up', direct, signed(), RATE, 3, CONNECTIONS);
    const capacity = await closedLoad(viaProxy, bearer, 16, 5);
    const OVERLOAD = Math.min(Math.max(Number(process.env.BENCH_OVERLOAD_RATE ?? Math.round(3 * capacity.rps)), 10), 20_000);
    console.log(`[bench] the note is ${bytes} bytes; sustainable through the proxy ${capacity.rps.toFixed(0)} req/s (closed loop, 16 workers, p99 ${capacity.p99.toFixed(1)} ms); `
      + `${RATE} req/s and ${OVERLOAD} req/s (3×), up to ${CONNECTIONS} connections, ${SECONDS} s per phase`);

    const d = summary(await pacedLoad(`direct @${RATE}`, direct, signed(), RATE, SECONDS, CONNECTIONS));
    const p = summary(await pacedLoad(`proxy @${RATE}`, viaProxy, bearer, RATE, SECONDS, CONNECTIONS));
    const o = summary(await pacedLoad(`proxy @${OVERLOAD}`, viaProxy, bearer, OVERLOAD, SECONDS, CONNECTIONS));
    // Recovery: back to the base rate at once, judged per 1 s window.
    const rec = await pacedLoad(`proxy @${RATE} after`, viaProxy, bearer, RATE, 30, CONNECTIONS);
    const limit = Math.max(10, 2 * p.okP99);
    let recoveredAt = NaN;
    for (let w = 0; w < 30; w++) {
      const win = rec.samples.filter((s) => s.sentAt >= w * 1000 && s.sentAt < (w + 1) * 1000);
      if (!win.length) continue;
      const shed = win.some((s) => isShed(s.status));
      if (!shed && quantile(win.map((s) => s.ms), 0.99) <= limit) { recoveredAt = w; break; }
    }
    const r = summary(rec);

    console.log('\nphase               sent   req/s   p50 ms   p99 ms  sheds (share)   shed p99  other 5xx  errors');
    for (const x of [d, p, o, r]) {
      console.log(`${x.name.padEnd(18)} ${String(x.sent).padStart(5)} ${x.rps.toFixed(0).padStart(7)} ${x.p50.toFixed(2).padStart(8)} ${x.p99.toFixed(2).padStart(8)} ${String(x.shed).padStart(6)} (${(x.shedShare * 100).toFixed(1).padStart(5)} %) ${Number.isNaN(x.shedP99) ? '       -' : x.shedP99.toFixed(2).padStart(8)} ${String(x.other5xx).padStart(10)} ${String(x.errors).padStart(7)}`);
    }
    const added = p.p99 - d.p99;
    const checks: Array<[string, boolean]> = [
      [`at ${RATE} req/s end-to-end p99 ${p.p99.toFixed(2)} ms (target ≤ 150 ms)`, p.p99 <= 150],
      [`at ${RATE} req/s added p99 ${added.toFixed(2)} ms vs the tenant direct (target ≤ 15 ms)`, added <= 15],
      [`at ${RATE} req/s no 5xx other than sheds (${p.other5xx} other 5xx, ${p.errors} errors)`, p.other5xx === 0 && p.errors === 0],
      [`at ${OVERLOAD} req/s (3× sustainable) served ${o.served} with p99 ${Number.isNaN(o.okP99) ? 'n/a' : o.okP99.toFixed(2) + ' ms'} (target ≤ ${LATENCY_TARGET_MS} ms), in the last second ${Number.isNaN(o.lastSecondOkP99) ? 'n/a' : o.lastSecondOkP99.toFixed(2) + ' ms'} (queue not growing)`,
        !(o.okP99 > LATENCY_TARGET_MS) && !(o.lastSecondOkP99 > LATENCY_TARGET_MS)],
      [`at ${OVERLOAD} req/s refused ${o.shed} (${(o.shedShare * 100).toFixed(1)} %) with p99 ${Number.isNaN(o.shedP99) ? 'n/a (none)' : o.shedP99.toFixed(2) + ' ms'} (target ≤ ${SHED_TARGET_MS} ms), ${o.shedNoRetryAfter} without Retry-After`,
        (o.shed === 0 || o.shedP99 <= SHED_TARGET_MS) && o.shedNoRetryAfter === 0],
      [`at ${OVERLOAD} req/s nothing else: ${o.other5xx} other 5xx, ${o.otherNon2xx - o.other5xx} other non-2xx, ${o.errors} failed connections`, o.other5xx === 0 && o.otherNon2xx === 0 && o.errors === 0],
      [`recovery to p99 ≤ ${limit.toFixed(1)} ms with no sheds: ${Number.isNaN(recoveredAt) ? 'not within 30 s' : `within ${recoveredAt + 1} s`} (target ≤ 30 s)`, !Number.isNaN(recoveredAt)],
    ];
    console.log('');
    for (const [text, ok] of checks) console.log(`${ok ? 'met    ' : 'NOT MET'}  ${text}`);
    console.log(`(APP_MAX_IN_FLIGHT ${APP_ENV.APP_MAX_IN_FLIGHT ?? 'default'}, APP_MAX_EVENT_LOOP_LAG_MS ${APP_ENV.APP_MAX_EVENT_LOOP_LAG_MS ?? 'default'}, APP_FRONT_EDGE ${APP_ENV.APP_FRONT_EDGE ?? 'default (on)'}, tenant BM_MAX_IN_FLIGHT ${process.env.BM_MAX_IN_FLIGHT ?? 128}; ${os.cpus().length} cores shared by app, tenant and generator; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await b.cleanup();
  }
}

main().catch((err) => {
  console.error('[bench] failed:', err instanceof Error ? err.message : err);
  process.exit(2);
});
