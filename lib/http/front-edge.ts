// The front edge: a lean node:http server in its own process (the `npm start` supervisor) that owns the
// public port and forwards to the Next server on loopback over a keep-alive pool. It exists so overload
// is refused by a loop that is NOT the saturated one: in the Next process, a refusal could only be
// decided after that process's busy loop had accepted and parsed the socket, so at 3× the sustainable
// rate refusals queued behind the work they were meant to avoid. Here the admission decision is a
// counter and a timestamp, on a loop that does nothing else:
//   - /proxy/* and /api/* (never health checks) in flight past APP_MAX_IN_FLIGHT → 503 + Retry-After;
//   - while the app's event loop runs late (past APP_MAX_EVENT_LOOP_LAG_MS, reported by the app every
//     10 ms over IPC; a report that is overdue counts as lag) with at least 8 in flight → the same.
// Everything else passes unchanged: bodies stream both ways (uploads, SSE, MCP Streamable HTTP),
// upgrades (WebSocket) become a byte tunnel. The client's socket address reaches the app in an
// HMAC-signed header (request-info.ts `socketPeer`), and X-Forwarded-For is left as the client sent it
// (filled with the peer when absent, as Next would), so per-IP limits see what they saw without the edge.
import http from 'node:http';
import net from 'node:net';
import { EDGE_PEER_HEADER, edgePeerStamp } from '../auth/request-info.ts';
import { InFlightLimiter, admitOrShed, isSheddable } from './load-shedding.ts';

export interface FrontEdgeOptions {
  /** Public port (and host; unset = every interface, as `next start`). */
  port: number;
  host?: string;
  /** The Next server behind the edge (loopback). */
  app: { host: string; port: number };
  /** Shared with the app (BMC_EDGE_KEY) to sign the client's address. */
  key: string;
  /** /proxy/* and /api/* in flight before more are refused (0 = no limit). */
  maxInFlight: number;
  /** The app's event-loop lag (ms) past which they are refused (0 = off); `appLag` is the app's report. */
  maxEventLoopLagMs: number;
  appLag: { readonly lagMs: number } | null;
  /** In flight below which lag never refuses (default 8): a lag the requests did not cause is not theirs to pay. */
  lagMinInFlight?: number;
  log?: (msg: string) => void;
}

export interface FrontEdge {
  server: http.Server;
  limiter: InFlightLimiter | null;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), then closes what is left. */
  close(graceMs: number): Promise<void>;
}

// Hop-by-hop: they describe one connection, not the request. `expect` is answered by the edge itself
// (100 Continue once the request is admitted), so the app must not be asked again.
const REQUEST_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'expect', EDGE_PEER_HEADER]);
const RESPONSE_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade']);

function connectionTokens(v: string | string[] | undefined): Set<string> {
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return new Set(s.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

/** The request's headers for the app, as a raw [name, value, …] list (duplicates and order kept). */
function forwardHeaders(req: http.IncomingMessage, key: string, publicPort: number, keepUpgrade: boolean): string[] {
  const named = connectionTokens(req.headers.connection);
  const out: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (keepUpgrade && (lower === 'connection' || lower === 'upgrade')) { out.push(raw[i]!, raw[i + 1]!); continue; }
    if (REQUEST_HOP.has(lower) || (!keepUpgrade && named.has(lower))) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  const stamp = edgePeerStamp(key, req.socket.remoteAddress);
  if (stamp) out.push(EDGE_PEER_HEADER, stamp);
  // What Next adds when absent, from the socket it sees — here that would be the edge's.
  if (req.headers['x-forwarded-for'] === undefined && req.socket.remoteAddress) out.push('x-forwarded-for', req.socket.remoteAddress);
  if (req.headers['x-forwarded-port'] === undefined) out.push('x-forwarded-port', String(publicPort));
  return out;
}

function responseHeaders(res: http.IncomingMessage): string[] {
  const named = connectionTokens(res.headers.connection);
  const out: string[] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (!RESPONSE_HOP.has(lower) && !named.has(lower)) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function answer(res: http.ServerResponse, status: number, detail: string, retryAfter?: number): void {
  if (res.headersSent) { res.destroy(); return; }
  const body = JSON.stringify({ detail });
  res.writeHead(status, {
    'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body), ...(retryAfter ? { 'retry-after': String(retryAfter) } : {}),
  });
  res.end(body);
}

export function startFrontEdge(o: FrontEdgeOptions): Promise<FrontEdge> {
  const limiter = o.maxInFlight
    ? new InFlightLimiter(o.maxInFlight, o.maxEventLoopLagMs && o.appLag ? { lag: o.appLag, maxLagMs: o.maxEventLoopLagMs, minInFlight: o.lagMinInFlight ?? 8 } : null)
    : null;
  // No socket cap: admission bounds what is in flight, and a cap would only hide a queue in the pool.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512, scheduling: 'lifo' });
  const tunnels = new Set<net.Socket>();
  let active = 0;

  const admitted = (req: http.IncomingMessage, res: http.ServerResponse) =>
    !limiter || !isSheddable(req.url ?? '/') || admitOrShed(limiter, req, res);

  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    active++;
    res.once('close', () => { active--; });
    const upstream = http.request({
      host: o.app.host, port: o.app.port, method: req.method, path: req.url, agent,
      headers: forwardHeaders(req, o.key, o.port, false),
    });
    upstream.on('response', (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.statusMessage, responseHeaders(ures));
      ures.pipe(res);
      ures.on('error', () => res.destroy());
      ures.on('aborted', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // Refused: the app is starting or restarting — a retry will do. Anything else is a bad gateway.
      if (err.code === 'ECONNREFUSED') answer(res, 503, 'The server is starting; retry in a moment.', 1);
      else answer(res, 502, 'The app did not answer.');
    });
    // The client went away before the answer was complete: stop the app's work too.
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => { if (admitted(req, res)) forward(req, res); });
  // `Expect: 100-continue`: admission first, so a refused upload is answered 503 before its body is sent.
  server.on('checkContinue', (req, res) => {
    if (!admitted(req, res)) return;
    res.writeContinue();
    forward(req, res);
  });

  // Upgrades (WebSocket): the request head re-sent to the app, then bytes both ways.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(o.app.port, o.app.host);
    tunnels.add(socket);
    const end = () => { tunnels.delete(socket); socket.destroy(); upstream.destroy(); };
    socket.on('error', end);
    upstream.on('error', end);
    socket.on('close', end);
    upstream.on('close', end);
    upstream.on('connect', () => {
      const h = forwardHeaders(req, o.key, o.port, true);
      let text = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
      for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
      upstream.write(text + '\r\n');
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
  });

  const close = async (graceMs: number) => {
    server.close();
    const deadline = Date.now() + graceMs;
    // Keep-alive connections become idle as their answers complete; close each as it does.
    do {
      server.closeIdleConnections();
      if (!active) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    server.closeAllConnections();
    for (const s of tunnels) s.destroy();
    agent.destroy();
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: a burst waits microseconds in the kernel instead of a dropped SYN costing the
    // client a 1 s retransmit (the kernel caps it at net.core.somaxconn).
    server.listen({ port: o.port, host: o.host, backlog: 4096 }, () => {
      server.off('error', reject);
      o.log?.(`front edge on port ${o.port} → the app on ${o.app.host}:${o.app.port}`);
      resolve({ server, limiter, close });
    });
  });
}
