// Scheduled snapshots and retention for the tenants this instance supervises. Each tenant's slot within the
// interval is a hash of its id, so a fleet's snapshots (and its `forget --prune` runs, on their own hash) spread
// over the interval instead of all starting on the hour. A snapshot is due when the tenant has no scheduled run
// since the start of its current slot; at most `concurrency` run at once. Runs left `running` by a dead process
// are marked failed.
//
// Sleeping tenants (no lease, no process): a tenant's files change only through its own API (WebDAV, notes,
// the dashboard all wake it), so a tenant that has not served a request since its last scheduled snapshot
// finished has nothing new to snapshot — its due snapshot is skipped and its status detail says so. One that
// did (it fell asleep later than that snapshot's end + the idle time + the probe's slack) is woken for it:
// at most `concurrency` wakes per pass (rate-limited, in the hash-spread slot order), one `sleeping →
// starting` update whichever instance asks first; the instance that takes its lease snapshots it as any
// running tenant. Files an admin changes on disk behind a sleeping tenant are seen at its next wake (the
// start-up catch-up scan) and in the snapshot after it.
import { createHash } from 'node:crypto';
import type { SnapshotsConfig } from '../config/snapshots.ts';
import type { Database } from '../db/client.ts';
import { failStaleSnapshotRuns, lastScheduledStart, sleepingTenantsLastScheduled } from '../db/queries/snapshot-runs.ts';
import { listTenantIds, noteSleepingTenant, requestTenantWake } from '../db/queries/tenants-runtime.ts';
import { applyRetention, createSnapshot } from './snapshot-service.ts';

export interface SchedulerOptions {
  db: Database;
  config: SnapshotsConfig;
  /** Only tenants whose supervision lease this holder has (null = every running tenant). */
  onlyHeldBy?: string | null;
  tickMs?: number;
  /** TENANT_IDLE_STOP_SECONDS in ms (0 = tenants never sleep) and the supervisor's health probe interval. */
  idleStopMs?: number;
  healthIntervalMs?: number;
  /** Told about a tenant this scheduler woke (the app starts its supervisor's pass at once). */
  onWake?: (tenantId: string) => void;
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
  /** The slot whose skip a sleeping tenant's detail already states. */
  private skipNoted = new Map<string, number>();
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
        if (this.o.idleStopMs) await this.sleepingTenants(now);
      } catch (err) {
        this.o.log('error', 'snapshot schedule pass failed', { err: String(err) });
      } finally {
        this.ticking = null;
      }
    })());
  }

  /** Due snapshots of sleeping tenants: skipped with a stated reason when nothing can have changed, else a (bounded) wake. */
  private async sleepingTenants(now: number): Promise<void> {
    const slack = (this.o.healthIntervalMs ?? 2000) + 5000;
    const due = [];
    for (const t of await sleepingTenantsLastScheduled(this.o.db)) {
      const offset = slotOffset(t.tenantId, this.o.config.intervalMs, 'snapshot');
      const slot = currentSlotStart(now, this.o.config.intervalMs, offset);
      if (t.lastStartedAt && t.lastStartedAt.getTime() >= slot) continue;
      due.push({ ...t, slot, order: offset });
    }
    due.sort((a, b) => a.order - b.order);
    let woken = 0;
    for (const t of due) {
      const quietSince = t.lastStatus === 'succeeded' && t.lastFinishedAt ? t.lastFinishedAt.getTime() : null;
      const unchanged = quietSince !== null && t.asleepSince.getTime() <= quietSince + (this.o.idleStopMs ?? 0) + slack;
      if (unchanged) {
        if (this.skipNoted.get(t.tenantId) === t.slot) continue;
        this.skipNoted.set(t.tenantId, t.slot);
        await noteSleepingTenant(this.o.db, t.tenantId, sleepingSkipDetail(t.asleepSince, t.lastFinishedAt!, new Date(now)));
        continue;
      }
      if (woken >= this.o.config.concurrency) break; // the rest on the next pass
      if (await requestTenantWake(this.o.db, t.tenantId)) {
        woken++;
        this.o.onWake?.(t.tenantId);
        this.o.log('info', 'woke a sleeping tenant for its scheduled snapshot', { tenantId: t.tenantId });
      }
    }
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

const hhmm = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** What a sleeping tenant's card says after its scheduled snapshot was skipped. */
function sleepingSkipDetail(asleepSince: Date, lastSnapshotAt: Date, skippedAt: Date): string {
  return `asleep since ${hhmm(asleepSince)} UTC; scheduled snapshot of ${hhmm(skippedAt)} skipped: no request since the snapshot of ${hhmm(lastSnapshotAt)} (files on disk changed meanwhile are caught up at the next wake); the next request wakes it`;
}
