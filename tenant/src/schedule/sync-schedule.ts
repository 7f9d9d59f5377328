// Periodic sync of every project, spread over time so a thousand tenants never sync at the same
// second: the first tick of a project comes at hash(tenant id + project) mod interval, later ticks
// every interval ±10 % jitter. A tick is skipped while the previous sync of that project is still
// running, so timers never pile up (the engine also coalesces). Discovery of new top-level folders
// runs on the same cadence under the key "\0discovery".
import { createHash } from 'node:crypto';

const JITTER_FRACTION = 0.1;

export function scheduleOffsetMs(tenantId: string, key: string, intervalMs: number): number {
  const h = createHash('sha256').update(`${tenantId}\0${key}`).digest();
  return Number(h.readBigUInt64BE(0) % BigInt(Math.max(1, Math.floor(intervalMs))));
}

export function jitteredIntervalMs(intervalMs: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalMs * (1 + (random() * 2 - 1) * JITTER_FRACTION)));
}

type Task = () => Promise<unknown>;
type Entry = { timer: NodeJS.Timeout | null; running: boolean; task: Task };
type Logger = { warn: (obj: object, msg: string) => void };

export const DISCOVERY_KEY = '\0discovery';

export class SyncSchedule {
  private readonly intervalMs: number;
  private readonly tenantId: string;
  private readonly entries = new Map<string, Entry>();
  private readonly logger: Logger | undefined;
  private readonly random: () => number;
  private stopped = false;
  // Paused by POST /management/watch/stop: entries stay registered, their timers are cleared.
  private paused = false;

  constructor(opts: { intervalSeconds: number; tenantId: string; logger?: Logger; random?: () => number }) {
    this.intervalMs = opts.intervalSeconds * 1000;
    this.tenantId = opts.tenantId;
    this.logger = opts.logger;
    this.random = opts.random ?? Math.random;
  }

  get enabled(): boolean {
    return this.intervalMs > 0 && !this.stopped;
  }

  /** The schedule would run tasks: an interval is set, it is not stopped and not paused. */
  get running(): boolean {
    return this.enabled && !this.paused;
  }

  /** Clears every timer; tasks already running finish. Projects added meanwhile wait for resume(). */
  pause(): void {
    this.paused = true;
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
    }
  }

  /** Re-arms every entry at its hash offset (spread over the interval, as at start). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const [key, entry] of this.entries) if (!entry.timer) this.arm(key, entry, scheduleOffsetMs(this.tenantId, key, this.intervalMs));
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string, task: Task): void {
    if (!this.enabled || this.entries.has(key)) return;
    const entry: Entry = { timer: null, running: false, task };
    this.entries.set(key, entry);
    if (!this.paused) this.arm(key, entry, scheduleOffsetMs(this.tenantId, key, this.intervalMs));
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.entries.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const key of [...this.entries.keys()]) this.remove(key);
  }

  private arm(key: string, entry: Entry, delayMs: number): void {
    entry.timer = setTimeout(() => this.tick(key, entry), delayMs);
    entry.timer.unref();
  }

  private tick(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return; // removed meanwhile
    if (this.paused) { entry.timer = null; return; }
    this.arm(key, entry, jitteredIntervalMs(this.intervalMs, this.random));
    if (entry.running) return;
    entry.running = true;
    entry.task()
      .catch((err: unknown) => this.logger?.warn({ err, key: key === DISCOVERY_KEY ? 'discovery' : key }, 'scheduled task failed'))
      .finally(() => { entry.running = false; });
  }
}
