// Overload is shed, not queued: past a fixed number of requests in flight, /proxy/*, /api/* and /mcp are
// answered 503 + Retry-After at once (a few microseconds of work) instead of joining a queue that
// grows without bound — latency for the requests that are admitted stays normal, and the service
// recovers as soon as the load drops (nothing is left queued). Health checks are never shed.
// Two signals, both decided at the node:http edge before any of the request's own work:
//   - a fixed cap on requests in flight (the queue can never grow past it);
//   - the event loop's lag: when the loop answers its timers late, it is saturated and every request
//     admitted now only waits longer. Past a lag budget (and with enough in flight that the requests
//     are the cause), new ones are refused while refusing is still quick, so refusals stay fast and the
//     admitted requests keep their latency, instead of the loop saturating first and shedding after.
import type http from 'node:http';
import { z } from 'zod';

/** How late the event loop runs, sampled by a 10 ms timer (a saturated loop fires its timers late). */
export class EventLoopLag {
  lagMs = 0;
  private expected: number;
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 10) {
    this.expected = performance.now() + intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(0, now - this.expected);
      this.expected = now + intervalMs;
    }, intervalMs);
    this.timer.unref();
  }
  stop(): void { clearInterval(this.timer); }
}

export interface LagShedding {
  lag: { readonly lagMs: number };
  /** Lag above this sheds (ms). */
  maxLagMs: number;
  /** ...only with at least this many in flight: a lag the requests did not cause is not theirs to pay. */
  minInFlight: number;
}

export class InFlightLimiter {
  private inFlight = 0;
  shed = 0;
  shedByLag = 0;
  readonly max: number;
  readonly lagShedding: LagShedding | null;
  constructor(max: number, lagShedding: LagShedding | null = null) { this.max = max; this.lagShedding = lagShedding; }
  /** True (and counted) if there is room; the caller must `leave()` exactly once when done. */
  tryEnter(): boolean {
    if (this.inFlight >= this.max) { this.shed++; return false; }
    const l = this.lagShedding;
    if (l && this.inFlight >= l.minInFlight && l.lag.lagMs > l.maxLagMs) { this.shed++; this.shedByLag++; return false; }
    this.inFlight++;
    return true;
  }
  leave(): void { if (this.inFlight > 0) this.inFlight--; }
  get current(): number { return this.inFlight; }
}

const SHED_BODY = JSON.stringify({ detail: 'The server is busy; retry in a moment.' });
// MCP clients read JSON-RPC even from a refusal: the SDK's transport shows `error.message` to the person.
const MCP_SHED_BODY = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'The server is busy; retry in a moment.' }, id: null });

const isMcpTarget = (url: string) => url === '/mcp' || url.startsWith('/mcp/') || url.startsWith('/mcp?');

/** Whether a request target is one that is limited (the JSON, tenant-proxy and MCP surfaces). */
export function isSheddable(url: string): boolean {
  if (url.startsWith('/api/health')) return false;
  return url.startsWith('/proxy/') || url === '/proxy' || url.startsWith('/api/') || isMcpTarget(url);
}

/**
 * Admits the request (and arranges the matching `leave()` when its response closes) or answers it
 * 503 right here. Returns false when it was shed.
 */
export function admitOrShed(limiter: InFlightLimiter, req: http.IncomingMessage, res: http.ServerResponse, retryAfterSeconds = 1): boolean {
  if (limiter.tryEnter()) {
    res.once('close', () => limiter.leave());
    return true;
  }
  req.resume();
  const body = isMcpTarget(req.url ?? '/') ? MCP_SHED_BODY : SHED_BODY;
  res.writeHead(503, {
    'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'retry-after': String(retryAfterSeconds),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return false;
}

/** What the app reports to the front edge over its IPC channel, every LOOP_REPORT_INTERVAL_MS: its loop's lag and when it said so. */
export const loopLagReportSchema = z.object({ bmcLoopLagMs: z.number().finite().nonnegative(), at: z.number().finite() });
const LOOP_REPORT_INTERVAL_MS = 10;

// The same clock in both processes (the system's, in ms with a fraction): a report's age is measured from when
// it was sent, not from when the edge got round to reading it — a late read of an old report is not news.
const clockMs = () => performance.timeOrigin + performance.now();

/**
 * Behind the front edge (lib/http/front-edge.ts): report this process's event-loop lag to it. The
 * report is sent from a timer of the same loop, so a saturated loop also reports late — which the
 * edge counts as lag too, without waiting for this loop to say so. Returns a stop function.
 */
export function reportLoopLagToEdge(send: (msg: z.input<typeof loopLagReportSchema>) => void): () => void {
  const lag = new EventLoopLag(LOOP_REPORT_INTERVAL_MS);
  const timer = setInterval(() => send({ bmcLoopLagMs: lag.lagMs, at: clockMs() }), LOOP_REPORT_INTERVAL_MS);
  timer.unref();
  return () => { clearInterval(timer); lag.stop(); };
}

/** The app's event-loop lag as the edge sees it: what the app last reported, or how overdue its next report is. */
export class ReportedLoopLag {
  private lastAt = 0;
  private reported = 0;
  /** Feeds one IPC message (anything else is ignored). */
  onMessage(msg: unknown): void {
    const r = loopLagReportSchema.safeParse(msg);
    if (!r.success || r.data.at < this.lastAt) return;
    this.lastAt = r.data.at;
    this.reported = r.data.bmcLoopLagMs;
  }
  get lagMs(): number {
    if (!this.lastAt) return 0; // no report yet: the app is starting, nothing is in flight to shed for
    return Math.max(this.reported, clockMs() - this.lastAt - LOOP_REPORT_INTERVAL_MS);
  }
}
