// Scheduled snapshots and retention for the tenants this instance supervises. Each tenant's slot within the
// interval is a hash of its id, so a fleet's snapshots (and its `forget --prune` runs, on their own hash) spread
// over the interval instead of all starting on the hour. A snapshot is due when the tenant has no scheduled run
// since the start of its current slot; at most `concurrency` run at once. Runs left `running` by a dead process
// are marked failed.
import { createHash } from 'node:crypto';
import type { SnapshotsConfig } from '../config/snapshots.ts';
import type { Database } from '../db/client.ts';
import { failStaleSnapshotRuns, lastScheduledStart } from '../db/queries/snapshot-runs.ts';
import { listTenantIds } from '../db/queries/tenants-runtime.ts';
import { applyRetention, createSnapshot } from './snapshot-service.ts';

export interface SchedulerOptions {
  db: Database;
  config: SnapshotsConfig;
  /** Only tenants whose supervision lease this holder has (null = every running tenant). */
  onlyHeldBy?: string | null;
  tickMs?: number;
  now?: () => number;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/** The tenant's offset within a period: stable, spread evenly by a hash of the id and a salt. */
export function slotOffset(tenantId: string, periodMs: number, salt: string): number {
  const h = createHash('sha256').update(`${salt}:${tenantId}`).digest();
  return Number(h.readBigUInt64BE(0) % BigInt(periodMs));
}

/** Start of the tenant's current slot (the latest `offset + k·period` at or before now). */
export function currentSlotStart(now: number, periodMs: number, offset: number): number {
  return Math.floor((now - offset) / periodMs) * periodMs + offset;
}

export class SnapshotScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<string>();
  private lastPrune = new Map<string, number>();
  private ticking: Promise<void> | null = null;
  private readonly o: SchedulerOptions;

  constructor(o: SchedulerOptions) { this.o = o; }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.tick(); }, this.o.tickMs ?? 60_000);
    this.timer.unref();
    void this.tick();
  }

  /** Stops scheduling; a snapshot in flight finishes on its own (restic is safe to stop at any point anyway). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private now(): number { return this.o.now ? this.o.now() : Date.now(); }

  private async tenants(): Promise<string[]> {
    return listTenantIds(this.o.db, { statuses: ['running', 'degraded'], heldBy: this.o.onlyHeldBy });
  }

  /** One pass: mark dead runs, then start the due snapshots and prunes (up to the concurrency). */
  tick(): Promise<void> {
    return (this.ticking ??= (async () => {
      try {
        await failStaleSnapshotRuns(this.o.db, new Date(this.now() - this.o.config.timeoutMs - 60_000));
        const now = this.now();
        const work: Array<() => Promise<void>> = [];
        for (const id of await this.tenants()) {
          if (this.running.has(id)) continue;
          const slot = currentSlotStart(now, this.o.config.intervalMs, slotOffset(id, this.o.config.intervalMs, 'snapshot'));
          const last = await lastScheduledStart(this.o.db, id);
          if (!last || last.getTime() < slot) work.push(() => this.snapshot(id));
          else {
            const pruneSlot = currentSlotStart(now, this.o.config.pruneIntervalMs, slotOffset(id, this.o.config.pruneIntervalMs, 'prune'));
            if ((this.lastPrune.get(id) ?? 0) < pruneSlot && now - last.getTime() > 0) work.push(() => this.prune(id, now));
          }
        }
        await this.runLimited(work);
      } catch (err) {
        this.o.log('error', 'snapshot schedule pass failed', { err: String(err) });
      } finally {
        this.ticking = null;
      }
    })());
  }

  private async runLimited(work: Array<() => Promise<void>>): Promise<void> {
    const queue = [...work];
    const lanes = Array.from({ length: Math.min(this.o.config.concurrency, queue.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    });
    await Promise.all(lanes);
  }

  private async snapshot(tenantId: string): Promise<void> {
    this.running.add(tenantId);
    try {
      const row = await createSnapshot(this.o.db, tenantId, { kind: 'scheduled' });
      this.o.log('info', 'scheduled snapshot taken', { tenantId, files: row.files, bytesAdded: row.bytesAdded, ms: row.durationMs });
    } catch (err) {
      this.o.log('warn', 'scheduled snapshot failed', { tenantId, err: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running.delete(tenantId);
    }
  }

  private async prune(tenantId: string, now: number): Promise<void> {
    this.running.add(tenantId);
    try {
      const r = await applyRetention(this.o.db, tenantId);
      this.lastPrune.set(tenantId, now);
      this.o.log('info', 'snapshot retention applied', { tenantId, removed: r.removed });
    } catch (err) {
      this.o.log('warn', 'snapshot retention failed', { tenantId, err: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running.delete(tenantId);
    }
  }
}
