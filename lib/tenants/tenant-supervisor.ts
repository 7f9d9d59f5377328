// The tenant supervisor: makes the actual state of each tenant follow its desired state.
//
// Every tick (TENANT_SUPERVISOR_TICK_MS) it
//   1. renews the leases it holds (one UPDATE … WHERE holder = me RETURNING) and drops tenants whose lease it lost;
//   2. reads every tenant (status, desired state, lease, crash bookkeeping) in one query;
//   3. for each tenant it holds, or can take (atomic upsert WHERE expired OR holder = me), reconciles:
//      desired running → start it (starting), follow /health (rebuilding → running), degraded when /health
//      fails for TENANT_DEGRADED_AFTER_MS; a crash → restart after exponential backoff
//      (base·2^(n-1), capped), `failed` after TENANT_MAX_CRASHES crashes within TENANT_CRASH_WINDOW_MS;
//      desired stopped → stop it, `stopped`, release the lease; an admin restart request → stop + start;
//      a running tenant whose /health reports `idle_ms` ≥ idleStopMs → `sleeping` (address cleared, process
//      stopped, index kept, lease released). A request wakes it (`sleeping` → `starting`, WAKING_DETAIL, in
//      Postgres: requestTenantWake) and whichever instance takes the lease starts it.
// All states, timestamps, the address and crash counts live in Postgres, so another instance that takes
// the lease (this one died: its lease expires after TENANT_LEASE_TTL_MS) continues where it left off.
// Time comes from an injectable clock; lease expiry uses the database clock.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database } from '../db/client.ts';
import {
  BOOT_DETAIL, RESTART_REQUESTED_DETAIL, SHUTDOWN_DETAIL, WAKING_DETAIL, acquireTenantLease, clearRestartRequest, takeOverTenantLease, listTenantsForSupervision, releaseAllTenantLeases, releaseTenantLease,
  renewTenantLeases, setTenantStatus, upsertTenantEndpoint, type SupervisedTenantRow, type TenantStatus,
} from '../db/queries/tenants-runtime.ts';
import type { TenantDriver, TenantExit, TenantHandle } from './provisioner.ts';
import { deriveTenantSecret } from './tenant-credential.ts';

export interface Clock { now(): number }
const systemClock: Clock = { now: () => Date.now() };

export interface SupervisorSettings {
  leaseTtlMs: number;
  tickMs: number;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  degradedAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxCrashes: number;
  crashWindowMs: number;
  /** 0 = no limit. */
  maxTenantsPerInstance: number;
  stopGraceMs?: number;
  /** A running tenant idle this long is put to sleep; 0 or absent = never. */
  idleStopMs?: number;
  /** Tenant processes booting at once (a restarted instance must not boot its whole fleet at once); 0 or absent = no limit. */
  maxConcurrentStarts?: number;
}

/** Health probes a pass keeps in flight at once (the rest wait for a later pass). */
const MAX_PASS_PROBES = 16;

/** Between clearing a sleeping tenant's address and stopping it: routes cached by any instance (1 s) expire. */
const SLEEP_ROUTE_GRACE_MS = 1500;

export type SupervisorLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface SupervisorOptions {
  db: Database;
  driver: TenantDriver;
  authSecret: string;
  settings: SupervisorSettings;
  /** Unique per app instance (and per supervisor object). */
  holderId?: string;
  clock?: Clock;
  log?: SupervisorLog;
  /** Called after this supervisor changed a tenant's status or address (cache invalidation). */
  onTenantChange?: (tenantId: string) => void;
}

interface Slot {
  tenantId: string;
  bucketName: string;
  handle?: TenantHandle;
  starting?: Promise<void>;
  stopping?: Promise<void>;
  /** Exits we caused (stop, restart) are not crashes. */
  expectedExits: WeakSet<TenantHandle>;
  status?: TenantStatus;
  detail?: string | null;
  lastProbeAt: number;
  lastOkAt: number;
  probing: boolean;
  crashCount: number;
  crashWindowStartedAt: number | null;
  nextRestartAt: number | null;
  /** Started by a request's wake: the status detail stays WAKING_DETAIL until it runs (requests wait for it). */
  waking?: boolean;
}

/** Holder ids are `<hostname>:<pid>:<random>`; true when that names a process of this host that is gone. */
export function holderIsDeadLocalProcess(holder: string): boolean {
  const m = /^(.*):(\d+):[0-9a-f]{8}$/.exec(holder);
  if (!m || m[1] !== os.hostname()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try { process.kill(pid, 0); return false; } catch (err) { return (err as NodeJS.ErrnoException).code === 'ESRCH'; }
}

/** Backoff before restart attempt after the n-th crash (n ≥ 1). */
export function backoffDelay(n: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, n - 1));
}

export class TenantSupervisor {
  readonly holderId: string;
  private db: Database;
  private driver: TenantDriver;
  private authSecret: string;
  private s: SupervisorSettings;
  private clock: Clock;
  private log: SupervisorLog;
  private onTenantChange?: (tenantId: string) => void;
  private slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  /** Boots in progress and the starts waiting for a turn (maxConcurrentStarts). */
  private startsBooting = 0;
  private startQueue: Array<{ tenantId: string; go: () => void }> = [];
  /** A pass was asked for while one ran: run another right after. */
  private again = false;
  private probesInFlight = 0;

  constructor(o: SupervisorOptions) {
    this.db = o.db;
    this.driver = o.driver;
    this.authSecret = o.authSecret;
    this.s = o.settings;
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? (() => {});
    this.onTenantChange = o.onTenantChange;
    this.holderId = o.holderId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Starts ticking (first tick immediately). */
  start(): void {
    if (this.timer || this.stopped) return;
    const loop = () => {
      if (this.stopped) return;
      void this.tick().catch((err) => this.log('error', 'supervisor tick failed', { error: String(err?.message ?? err) })).finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.s.tickMs);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  /**
   * Runs a pass soon (after an admin action or first sign-in); one that arrives during a pass gets another right
   * after it. With a tenant id (a request waits on that tenant's wake), that tenant is reconciled at once, on its
   * own, without waiting for a pass over the whole fleet.
   */
  wake(tenantId?: string): void {
    if (this.stopped || !this.timer && !this.ticking) return;
    if (tenantId) {
      this.hurryStart(tenantId);
      void this.superviseOne(tenantId).catch((err) => this.log('error', 'supervising a woken tenant failed', { tenantId, error: String(err?.message ?? err) }));
      return;
    }
    if (this.ticking) { this.again = true; return; }
    clearTimeout(this.timer!);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, 0);
  }

  private async superviseOne(tenantId: string): Promise<void> {
    const [row] = await listTenantsForSupervision(this.db, tenantId);
    if (!row || this.stopped) return;
    // Just fallen asleep here: let go of its lease now, so any instance can wake it.
    if (row.status === 'sleeping' && row.leaseHolder === this.holderId) return this.reconcile(row, this.clock.now());
    // Not taken as held even when it is ours: the lease is taken (or renewed) in one atomic statement first.
    await this.supervise(row, false, this.clock.now());
  }

  /** One reconciliation pass (public for tests and for callers wanting a synchronous step). */
  async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      do {
        this.again = false;
        await this.tickOnce();
      } while (this.again && !this.stopped);
    })().finally(() => { this.ticking = null; });
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    if (this.stopped) return;
    const held = new Set(await renewTenantLeases(this.db, this.holderId, this.s.leaseTtlMs));
    // Lost a lease (we stalled past the TTL and another instance took over): let go of the process.
    for (const [id, slot] of this.slots) {
      if (!held.has(id) && !slot.starting) {
        this.log('warn', 'lost tenant lease; stopping local process', { tenantId: id });
        await this.stopSlot(slot);
        this.slots.delete(id);
      }
    }
    const rows = await listTenantsForSupervision(this.db);
    const now = this.clock.now();
    let since = performance.now();
    for (const row of rows) {
      if (this.stopped) return;
      await this.supervise(row, held.has(row.id), now);
      // A fleet of mostly sleeping tenants is mostly synchronous `continue`s: give the event loop a turn now and then.
      if (performance.now() - since > 5) { await new Promise<void>((r) => setImmediate(r)); since = performance.now(); }
    }
    if (!this.stopped) this.probeDue(this.clock.now());
  }

  /** One tenant of a pass: take its lease if it needs a supervisor and nobody live holds it, then reconcile. */
  private async supervise(row: SupervisedTenantRow, held: boolean, now: number): Promise<void> {
    if (!held) {
      if (!this.needsSupervisor(row)) return;
      if (this.s.maxTenantsPerInstance > 0 && this.slots.size >= this.s.maxTenantsPerInstance) return;
      const liveOther = row.leaseHolder && row.leaseHolder !== this.holderId && row.leaseExpiresAt && row.leaseExpiresAt.getTime() > Date.now();
      if (liveOther) {
        // A previous app process on this host that died (kill -9, crash) cannot renew: take over now
        // rather than after the TTL.
        if (!holderIsDeadLocalProcess(row.leaseHolder!)) return;
        if (!(await takeOverTenantLease(this.db, row.id, row.leaseHolder!, this.holderId, this.s.leaseTtlMs))) return;
      } else if (!(await acquireTenantLease(this.db, row.id, this.holderId, this.s.leaseTtlMs))) return;
      this.log('info', 'took tenant lease', { tenantId: row.id });
    }
    await this.reconcile(row, now);
  }

  /** A tenant that is stopped (and should be), or failed and not running, needs nobody. */
  private needsSupervisor(row: SupervisedTenantRow): boolean {
    if (row.desiredState === 'stopped') return row.status !== 'stopped';
    if ((row.status === 'failed' || row.status === 'sleeping') && !row.restartRequestedAt) return false;
    return true;
  }

  private slotFor(row: SupervisedTenantRow): Slot {
    let slot = this.slots.get(row.id);
    if (!slot) {
      slot = {
        tenantId: row.id, bucketName: row.bucketName, expectedExits: new WeakSet(), status: row.status,
        lastProbeAt: 0, lastOkAt: 0, probing: false,
        crashCount: row.crashCount,
        crashWindowStartedAt: row.crashWindowStartedAt?.getTime() ?? null,
        nextRestartAt: row.nextRestartAt?.getTime() ?? null,
      };
      this.slots.set(row.id, slot);
    }
    return slot;
  }

  private async reconcile(row: SupervisedTenantRow, now: number): Promise<void> {
    const slot = this.slotFor(row);
    if (slot.starting || slot.stopping) return;

    if (row.desiredState === 'stopped') {
      await this.stopSlot(slot);
      // Address first: whoever sees `stopped` must not find a stale address.
      await upsertTenantEndpoint(this.db, row.id, { host: null, port: null, pid: null, instanceId: null }, this.holderId);
      await this.setStatus(slot, 'stopped', 'stopped by an administrator');
      this.onTenantChange?.(row.id);
      await releaseTenantLease(this.db, row.id, this.holderId);
      this.slots.delete(row.id);
      return;
    }

    if (row.restartRequestedAt) {
      this.log('info', 'restart requested', { tenantId: row.id });
      await this.stopSlot(slot);
      slot.crashCount = 0;
      slot.crashWindowStartedAt = null;
      slot.nextRestartAt = null;
      await clearRestartRequest(this.db, row.id, row.restartRequestedAt);
      this.startSlot(slot, RESTART_REQUESTED_DETAIL);
      return;
    }

    // The admin API started a failed tenant (fresh crash budget): take the database's word for it.
    if (!slot.handle && slot.status === 'failed' && row.status !== 'failed') {
      slot.status = row.status;
      slot.crashCount = row.crashCount;
      slot.crashWindowStartedAt = row.crashWindowStartedAt?.getTime() ?? null;
      slot.nextRestartAt = row.nextRestartAt?.getTime() ?? null;
    }

    // Asleep (its process is gone): nothing to supervise until a request wakes it; any instance may then.
    if (row.status === 'sleeping' && (!slot.handle || slot.handle.isExited)) {
      await releaseTenantLease(this.db, row.id, this.holderId);
      this.slots.delete(row.id);
      return;
    }

    if (!slot.handle || slot.handle.isExited) {
      if (row.status === 'failed' || slot.status === 'failed') return; // waits for an admin start
      if (row.status === 'starting' && row.statusDetail === WAKING_DETAIL) {
        slot.status = row.status;
        slot.detail = row.statusDetail;
        slot.waking = true;
        this.startSlot(slot, 'wake');
        return;
      }
      if (slot.nextRestartAt && now < slot.nextRestartAt) return; // backing off
      this.startSlot(slot, slot.crashCount > 0 ? `restart after crash ${slot.crashCount}` : 'start');
      return;
    }

    // Probed after the pass (probeDue), beside it: one slow tenant does not hold up the pass — or a wake.
  }

  /**
   * Health probes of the running tenants that are due, longest unprobed first, at most MAX_PASS_PROBES in flight:
   * when probes are slower than the fleet needs, every tenant still gets its turn (and idle ones their sleep).
   */
  private probeDue(now: number): void {
    const due = [...this.slots.values()]
      .filter((s) => s.handle && !s.handle.isExited && !s.probing && !s.starting && !s.stopping && now - s.lastProbeAt >= this.s.healthIntervalMs)
      .sort((a, b) => a.lastProbeAt - b.lastProbeAt);
    for (const slot of due) {
      if (this.probesInFlight >= MAX_PASS_PROBES) return;
      this.probesInFlight++;
      void this.probe(slot)
        .catch((err) => this.log('error', 'health probe failed', { tenantId: slot.tenantId, error: String((err as Error)?.message ?? err) }))
        .finally(() => { this.probesInFlight--; });
    }
  }

  /**
   * A turn to boot a tenant process (maxConcurrentStarts at once): resolves with its release. A wake (a request
   * waits for it) goes ahead of the queued starts and restarts.
   */
  private async startTurn(tenantId: string, first: boolean): Promise<() => void> {
    const max = this.s.maxConcurrentStarts ?? 0;
    if (max > 0 && this.startsBooting >= max) {
      await new Promise<void>((go) => { if (first) this.startQueue.unshift({ tenantId, go }); else this.startQueue.push({ tenantId, go }); });
    } else {
      this.startsBooting++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.startQueue.shift();
      if (next) next.go(); // the turn passes on: the count stays
      else this.startsBooting--;
    };
  }

  /** A request waits on this tenant's boot: its queued turn (if any) moves to the front, as a wake's would. */
  private hurryStart(tenantId: string): void {
    const i = this.startQueue.findIndex((q) => q.tenantId === tenantId);
    if (i > 0) this.startQueue.unshift(...this.startQueue.splice(i, 1));
  }

  private startSlot(slot: Slot, reason: string): void {
    slot.starting = (async () => {
      await this.setStatus(slot, 'starting', reason === 'wake' ? WAKING_DETAIL : reason === 'start' ? BOOT_DETAIL : reason);
      let handle: TenantHandle;
      const release = await this.startTurn(slot.tenantId, reason === 'wake');
      try {
        if (this.stopped) return;
        handle = await this.driver.start({ tenantId: slot.tenantId, bucketName: slot.bucketName, secret: deriveTenantSecret(this.authSecret, slot.tenantId) });
      } catch (err) {
        const exit = (err as { exit?: TenantExit }).exit ?? { code: null, signal: null, stderrTail: [String((err as Error).message)] };
        this.log('error', 'tenant failed to start', { tenantId: slot.tenantId, error: (err as Error).message });
        await this.recordCrash(slot, exit, (err as Error).message);
        return;
      } finally {
        release(); // listening (or failed): the next boot may go
      }
      if (this.stopped) { await this.driver.stop(handle, 2000); return; }
      slot.handle = handle;
      slot.lastOkAt = this.clock.now();
      slot.lastProbeAt = 0;
      void handle.exited.then((exit) => this.onExit(slot, handle, exit));
      const published = await upsertTenantEndpoint(this.db, slot.tenantId, {
        driver: this.driver.name, host: handle.address.host, port: handle.address.port, pid: handle.pid,
        instanceId: this.holderId, startedAt: handle.startedAt, readyAt: null, nextRestartAt: null,
      }, this.holderId);
      if (!published) {
        // Lost the lease while starting: the new holder's address stands; the next tick stops this process.
        this.log('warn', 'lost tenant lease while starting; not publishing the address', { tenantId: slot.tenantId });
        return;
      }
      this.onTenantChange?.(slot.tenantId);
      this.log('info', 'tenant API listening', { tenantId: slot.tenantId, port: handle.address.port, pid: handle.pid });
      // Follow /health closely right after start so `running` shows up without waiting for ticks: at the tenant's
      // "ready" signal when its driver gives one, else (and as a fallback) at 25 ms doubling to 200 ms.
      let gap = 25;
      let readySignal = handle.ready?.then(() => 'ready' as const);
      for (let i = 0; i < 60 && !this.stopped && slot.handle === handle && !handle.isExited; i++) {
        await this.probe(slot);
        if (slot.status === 'running') break;
        const timer = new Promise<'timer'>((r) => setTimeout(() => r('timer'), Math.min(gap, this.s.healthIntervalMs)));
        if ((await Promise.race(readySignal ? [readySignal, timer] : [timer])) === 'ready') readySignal = undefined;
        gap = Math.min(200, gap * 2);
      }
    })().catch((err) => {
      this.log('error', 'start sequence failed', { tenantId: slot.tenantId, error: String((err as Error)?.message ?? err) });
    }).finally(() => { slot.starting = undefined; });
  }

  private async probe(slot: Slot): Promise<void> {
    const handle = slot.handle;
    if (!handle || handle.isExited) return;
    slot.probing = true;
    try {
      const h = await this.driver.health(handle.address, this.s.healthTimeoutMs);
      const now = this.clock.now();
      slot.lastProbeAt = now;
      if (slot.handle !== handle || handle.isExited) return;
      if (h.state === 'ok') {
        slot.lastOkAt = now;
        if (slot.status !== 'running') {
          const rebuild = h.rebuild as { duration_ms?: number; files?: number; mode?: string } | undefined;
          const detail = rebuild?.duration_ms != null
            ? `index ${rebuild.mode ?? 'rebuild'} of ${rebuild.files ?? '?'} files took ${rebuild.duration_ms} ms`
            : null;
          await upsertTenantEndpoint(this.db, slot.tenantId, {
            readyAt: new Date(), lastHealthAt: new Date(), tenantVersion: h.version ?? null, lastRebuild: h.rebuild ?? null,
          }, this.holderId);
          slot.waking = false;
          await this.setStatus(slot, 'running', detail);
        } else {
          const idleMs = Number(h.body.idle_ms);
          if (this.s.idleStopMs && Number.isFinite(idleMs) && idleMs >= this.s.idleStopMs) this.sleepSlot(slot, idleMs);
        }
      } else if (h.state === 'rebuilding') {
        slot.lastOkAt = now;
        if (slot.status !== 'rebuilding') await this.setStatus(slot, 'rebuilding', slot.waking ? WAKING_DETAIL : 'rebuilding the index from the files');
      } else if (now - slot.lastOkAt >= this.s.degradedAfterMs && slot.status !== 'degraded') {
        await this.setStatus(slot, 'degraded', `health check failing: ${h.error}`);
      }
    } finally {
      slot.probing = false;
    }
  }

  private async onExit(slot: Slot, handle: TenantHandle, exit: TenantExit): Promise<void> {
    if (slot.handle === handle) slot.handle = undefined;
    if (slot.expectedExits.has(handle) || this.stopped) return;
    if (this.slots.get(slot.tenantId) !== slot) return;
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    this.log('warn', 'tenant API crashed', { tenantId: slot.tenantId, code: exit.code, signal: exit.signal });
    try {
      await this.recordCrash(slot, exit, `tenant API ${how}`);
    } catch (err) {
      this.log('error', 'recording crash failed', { tenantId: slot.tenantId, error: String((err as Error).message) });
    }
    this.wakeAt(slot.nextRestartAt);
  }

  private async recordCrash(slot: Slot, exit: TenantExit, what: string): Promise<void> {
    const now = this.clock.now();
    if (slot.crashWindowStartedAt == null || now - slot.crashWindowStartedAt > this.s.crashWindowMs) {
      slot.crashWindowStartedAt = now;
      slot.crashCount = 1;
    } else {
      slot.crashCount += 1;
    }
    const lastLine = exit.stderrTail.filter((l) => l.trim()).at(-1);
    const tail = lastLine ? ` — ${lastLine.slice(0, 300)}` : '';
    let status: TenantStatus;
    let detail: string;
    if (slot.crashCount >= this.s.maxCrashes) {
      slot.nextRestartAt = null;
      status = 'failed';
      detail = `${what}; ${slot.crashCount} crashes within ${Math.round(this.s.crashWindowMs / 1000)} s, not restarting until an administrator starts it${tail}`;
    } else {
      const delay = backoffDelay(slot.crashCount, this.s.backoffBaseMs, this.s.backoffMaxMs);
      slot.nextRestartAt = now + delay;
      status = 'degraded';
      detail = `${what}; restarting in ${(delay / 1000).toFixed(1)} s (crash ${slot.crashCount} of ${this.s.maxCrashes})${tail}`;
    }
    await upsertTenantEndpoint(this.db, slot.tenantId, {
      host: null, port: null, pid: null, lastExitAt: new Date(now), lastExitCode: exit.code, lastExitSignal: exit.signal,
      crashCount: slot.crashCount, crashWindowStartedAt: slot.crashWindowStartedAt != null ? new Date(slot.crashWindowStartedAt) : null,
      nextRestartAt: slot.nextRestartAt != null ? new Date(slot.nextRestartAt) : null,
    }, this.holderId);
    await this.setStatus(slot, status, detail);
  }

  private wakeAt(at: number | null): void {
    if (at == null || this.stopped) return;
    const t = setTimeout(() => this.wake(), Math.max(0, at - this.clock.now()) + 5);
    t.unref();
  }

  private async setStatus(slot: Slot, status: TenantStatus, detail: string | null): Promise<void> {
    if (slot.status === status && slot.detail === detail) return;
    const wrote = await setTenantStatus(this.db, slot.tenantId, status, detail, this.holderId);
    if (wrote) {
      slot.status = status;
      slot.detail = detail;
      this.onTenantChange?.(slot.tenantId);
    }
  }

  /**
   * Idle: clear the address and say `sleeping` first (new requests go the wake path, in-flight ones finish),
   * then stop the process cleanly. The index stays on disk; the next tick releases the lease.
   */
  private sleepSlot(slot: Slot, idleMs: number): void {
    const h = slot.handle;
    if (!h || h.isExited || slot.stopping || slot.starting) return;
    slot.expectedExits.add(h);
    this.log('info', 'tenant idle; putting it to sleep', { tenantId: slot.tenantId, idleMs });
    slot.stopping = (async () => {
      await upsertTenantEndpoint(this.db, slot.tenantId, { host: null, port: null, pid: null }, this.holderId);
      await this.setStatus(slot, 'sleeping', `idle for ${Math.round(idleMs / 1000)} s; scheduled syncs pause while it sleeps (files changed on disk meanwhile are caught up when it wakes); the next request wakes it`);
      this.onTenantChange?.(slot.tenantId);
      await new Promise((r) => setTimeout(r, SLEEP_ROUTE_GRACE_MS));
      await this.driver.stop(h, this.s.stopGraceMs ?? 10_000);
    })().catch((err) => {
      this.log('error', 'putting a tenant to sleep failed', { tenantId: slot.tenantId, error: String((err as Error)?.message ?? err) });
    }).finally(() => {
      slot.stopping = undefined;
      if (slot.handle === h) slot.handle = undefined;
      // A request may have woken it while it was falling asleep: that wake goes on now, not at the next pass.
      this.wake(slot.tenantId);
    });
  }

  private async stopSlot(slot: Slot): Promise<void> {
    if (slot.starting) await slot.starting;
    if (slot.stopping) await slot.stopping.catch(() => {});
    const h = slot.handle;
    if (!h || h.isExited) { slot.handle = undefined; return; }
    slot.expectedExits.add(h);
    slot.stopping = this.driver.stop(h, this.s.stopGraceMs ?? 10_000);
    try { await slot.stopping; } finally { slot.stopping = undefined; slot.handle = undefined; }
  }

  /** Tenants this supervisor currently runs (for tests and the ops view). */
  runningTenants(): { tenantId: string; pid: number | null; baseUrl: string }[] {
    return [...this.slots.values()].filter((s) => s.handle && !s.handle.isExited)
      .map((s) => ({ tenantId: s.tenantId, pid: s.handle!.pid, baseUrl: s.handle!.address.baseUrl }));
  }

  /**
   * Shutdown: stop ticking, stop every child (SIGTERM, then SIGKILL after the grace period), mark the
   * tenants as no longer running here and release the leases so another instance can take over at once.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.ticking) await this.ticking.catch(() => {});
    const slots = [...this.slots.values()];
    await Promise.all(slots.map((s) => s.starting?.catch(() => {})));
    await Promise.all(slots.map(async (slot) => {
      // Going to sleep already: it stays asleep (the next request wakes it on whichever instance).
      const had = slot.handle && !slot.handle.isExited && slot.status !== 'sleeping';
      await this.stopSlot(slot).catch(() => {});
      if (had) {
        try {
          // Address first, as on an admin stop: nobody should find a stale address next to the new status.
          await upsertTenantEndpoint(this.db, slot.tenantId, { host: null, port: null, pid: null, instanceId: null }, this.holderId);
          await setTenantStatus(this.db, slot.tenantId, 'starting', SHUTDOWN_DETAIL, this.holderId);
        } catch { /* database may already be closing */ }
      }
    }));
    try { await releaseAllTenantLeases(this.db, this.holderId); } catch { /* best effort */ }
    this.slots.clear();
  }
}
