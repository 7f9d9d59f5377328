// How long this tenant has been idle, for the supervisor's sleep decision (GET /health `idle_ms`).
// Idle = no request in flight, no sync or rebuild running, no live WebDAV lock (a client session), and no
// request finished for that long.
// The platform's own background calls (health probes, the sync-run collector, which marks its calls
// with X-BM-Background: the tenant proxy strips every X-BM-* header callers send) are not activity.
import type { FastifyInstance, FastifyRequest } from 'fastify';

export class ActivityTracker {
  private inFlight = 0;
  private lastAt = Date.now();
  private readonly counted = new WeakSet<FastifyRequest>();
  private readonly holds: Array<() => boolean> = [];

  /** Something that keeps the tenant awake while it says so (e.g. live WebDAV locks). */
  addHold(busy: () => boolean): void {
    this.holds.push(busy);
  }

  begin(req: FastifyRequest): void {
    this.counted.add(req);
    this.inFlight++;
    this.lastAt = Date.now();
  }

  end(req: FastifyRequest): void {
    if (!this.counted.has(req)) return;
    this.counted.delete(req);
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastAt = Date.now();
  }

  /** Counts as activity now (the start-up rebuild finished: idleness counts from when it serves). */
  touch(): void {
    this.lastAt = Date.now();
  }

  /** Milliseconds idle (0 while a request or a sync runs). */
  idleMs(syncsRunning: number): number {
    if (this.inFlight > 0 || syncsRunning > 0 || this.holds.some((busy) => busy())) return 0;
    return Math.max(0, Date.now() - this.lastAt);
  }
}

const isBackground = (req: FastifyRequest): boolean => {
  const url = req.raw.url ?? '';
  if (url === '/health' || url.startsWith('/health?') || url === '/metrics' || url.startsWith('/metrics?')) return true;
  return req.headers['x-bm-background'] !== undefined;
};

export function installActivityTracking(app: FastifyInstance, tracker: ActivityTracker): void {
  app.addHook('onRequest', async (req) => { if (!isBackground(req)) tracker.begin(req); });
  app.addHook('onResponse', async (req) => { tracker.end(req); });
  app.addHook('onRequestAbort', async (req) => { tracker.end(req); });
}
