// Overload is shed, not queued: past a fixed number of requests in flight, /proxy/* and /api/* are
// answered 503 + Retry-After at once (a few microseconds of work) instead of joining a queue that
// grows without bound — latency for the requests that are admitted stays normal, and the service
// recovers as soon as the load drops (nothing is left queued). Health checks are never shed.
import type http from 'node:http';

export class InFlightLimiter {
  private inFlight = 0;
  shed = 0;
  readonly max: number;
  constructor(max: number) { this.max = max; }
  /** True (and counted) if there is room; the caller must `leave()` exactly once when done. */
  tryEnter(): boolean {
    if (this.inFlight >= this.max) { this.shed++; return false; }
    this.inFlight++;
    return true;
  }
  leave(): void { if (this.inFlight > 0) this.inFlight--; }
  get current(): number { return this.inFlight; }
}

export const SHED_BODY = JSON.stringify({ detail: 'The server is busy; retry in a moment.' });

/** Whether a request target is one that is limited (the JSON and tenant-proxy surfaces). */
export function isSheddable(url: string): boolean {
  if (url.startsWith('/api/health')) return false;
  return url.startsWith('/proxy/') || url === '/proxy' || url.startsWith('/api/');
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
  res.writeHead(503, {
    'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'retry-after': String(retryAfterSeconds),
    'content-length': Buffer.byteLength(SHED_BODY),
  });
  res.end(SHED_BODY);
  return false;
}
