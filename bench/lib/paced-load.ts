// An open-model load generator at a fixed rate: one request every 1000/rate ms whatever happens to
// the earlier ones (a slow answer never delays the next request; autocannon's rate limit instead
// sends each second's quota in one burst). Latency is from send to the end of the body, in ms, kept
// per outcome (2xx, shed = 503/429, other) and with the send time, for recovery analysis.
import http from 'node:http';

interface Sample { sentAt: number; ms: number; status: number; retryAfter?: string }

export interface PacedResult {
  name: string;
  samples: Sample[];
  errors: number;
  seconds: number;
}

export function quantile(xs: number[], f: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * f))]!;
}

export function pacedLoad(
  name: string, url: string, headers: Record<string, string>, rate: number, seconds: number, connections = 64,
  /** A request body (the request is then a POST, or `method`); the i-th request's body when a function. */
  body?: { method?: string; data: string | ((i: number) => string) },
): Promise<PacedResult> {
  return pacedStreams([{ name, url, headers, body }], rate, seconds, connections, Infinity).then(([r]) => r!);
}

/** One stream of requests for pacedStreams. */
export interface PacedStream {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** A request body (the request is then a POST, or `method`); the stream's i-th request's body when a function. */
  body?: { method?: string; data: string | ((i: number) => string) };
}

/**
 * Several streams measured under the same conditions: one clock at `rate` req/s that serves the streams in turn,
 * `sliceMs` each (stream 0, 1, …, 0, 1, …), `seconds` in all per stream. Whatever else the machine is doing then
 * (another process, a collection in the server) falls on every stream alike, instead of on whichever ran in a
 * separate, earlier or later phase. Each stream keeps its own keep-alive sockets.
 */
export function pacedStreams(streams: PacedStream[], rate: number, seconds: number, connections = 64, sliceMs = 500): Promise<PacedResult[]> {
  const n = streams.length;
  const state = streams.map((s) => ({ s, u: new URL(s.url), agent: new http.Agent({ keepAlive: true, maxSockets: connections }), samples: [] as Sample[], errors: 0, sent: 0 }));
  let inFlight = 0;
  const total = Math.round(rate * seconds) * n;
  const gap = 1000 / rate;
  // Requests per slice (the last slice of a stream may be shorter when `seconds` is not a whole number of slices).
  const perSlice = Number.isFinite(sliceMs) ? Math.max(1, Math.round(sliceMs / gap)) : total;
  return new Promise((resolve) => {
    let sent = 0;
    const t0 = performance.now();
    const finish = () => {
      if (sent < total || inFlight > 0) return;
      for (const st of state) st.agent.destroy();
      const elapsed = (performance.now() - t0) / 1000;
      resolve(state.map((st) => ({ name: st.s.name, samples: st.samples, errors: st.errors, seconds: elapsed })));
    };
    const fire = (k: number) => {
      // The k-th request of the clock goes to the stream whose slice it falls in, skipping streams already done.
      let idx = Math.floor(k / perSlice) % n;
      const quota = total / n;
      while (state[idx]!.sent >= quota) idx = (idx + 1) % n;
      const st = state[idx]!;
      const i = st.sent++;
      const start = performance.now();
      inFlight++;
      const body = st.s.body;
      const data = body ? (typeof body.data === 'function' ? body.data(i) : body.data) : null;
      const req = http.request({ host: st.u.hostname, port: st.u.port, path: st.u.pathname + st.u.search, agent: st.agent,
        method: data !== null ? (body!.method ?? 'POST') : 'GET',
        headers: data !== null ? { ...st.s.headers, 'content-length': String(Buffer.byteLength(data)) } : st.s.headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          st.samples.push({ sentAt: start - t0, ms: performance.now() - start, status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
          inFlight--;
          finish();
        });
      });
      req.on('error', () => { st.errors++; inFlight--; finish(); });
      req.end(data ?? undefined);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / gap) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * gap - performance.now()));
      else finish();
    };
    tick();
  });
}

/** Closed-loop throughput: `workers` requests always outstanding for `seconds`; answered (2xx) per second. */
export function closedLoad(url: string, headers: Record<string, string>, workers: number, seconds: number): Promise<{ rps: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const u = new URL(url);
  const ms: number[] = [];
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const one = (): Promise<void> => new Promise((resolve) => {
    const start = performance.now();
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => { if ((res.statusCode ?? 0) < 300) ms.push(performance.now() - start); resolve(); });
    });
    req.on('error', () => resolve());
    req.end();
  });
  const worker = async () => { while (performance.now() < until) await one(); };
  return Promise.all(Array.from({ length: workers }, worker)).then(() => {
    agent.destroy();
    return { rps: ms.length / ((performance.now() - t0) / 1000), p99: quantile(ms, 0.99) };
  });
}
