// Background tenant services of this app process: the supervisor (with its local driver) and the
// sync-run collector. Started once from instrumentation.ts; memoized on globalThis so every Next
// bundle in the process (route handlers, pages) sees the same instance.
import { getConfig } from '../config/index.ts';
import { getMcpConfig } from '../config/mcp.ts';
import { getDb } from '../db/index.ts';
import { invalidateTenantRoute, setSupervisorNudge } from './proxy-deps.ts';
import { getLogger } from '../log.ts';
import { HistoryMaintenance } from '../history/history-maintenance.ts';
import { onTenantCreated } from './events.ts';
import { capabilityDropPrefix } from './capability-drop.ts';
import { LocalTenantDriver } from './local-driver.ts';
import { SyncCollector } from './sync-collector.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { TenantSupervisor } from './tenant-supervisor.ts';

export interface TenantServices {
  supervisor: TenantSupervisor | null;
  collector: SyncCollector | null;
  driver: LocalTenantDriver | null;
  stop(): Promise<void>;
}

const KEY = Symbol.for('bmc.tenantServices');
type Holder = { [KEY]?: Promise<TenantServices> };
const g = globalThis as Holder;

// ------------------------------------------------------------------------------------ services

export function getTenantServices(): Promise<TenantServices> | undefined {
  return g[KEY];
}

/** Wakes this process's supervisor (after first sign-in or an admin action) and drops cached routes. */
export function nudgeSupervisor(tenantId?: string): void {
  if (tenantId) invalidateTenantRoute(tenantId);
  void g[KEY]?.then((s) => s.supervisor?.wake(tenantId));
}

// A request that wakes a sleeping tenant (proxy-deps.ts) nudges this process's supervisor to start it now.
setSupervisorNudge(nudgeSupervisor);

export function startTenantServices(): Promise<TenantServices> {
  return (g[KEY] ??= (async () => {
    const { app, tenants: cfg, history } = getConfig();
    const log = getLogger().child({ component: 'tenants' });
    const db = await getDb();
    // Sync-history retention: every instance runs it; an advisory lock per batch lets one work at a time.
    // The MCP call records (roll-ups, which client changed a note) age out in the same pass.
    const mcp = getMcpConfig();
    const maintenance = new HistoryMaintenance({
      db, retention: { ...history, mcpCallRollupMs: mcp.callRollupMs, mcpNoteChangeMs: mcp.noteChangeMs }, intervalMs: history.maintenanceIntervalMs,
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
    });
    maintenance.start();
    if (!cfg.supervisorEnabled) {
      log.info('tenant supervisor disabled in this instance (TENANT_SUPERVISOR=false)');
      return { supervisor: null, collector: null, driver: null, stop: () => maintenance.stop() };
    }
    const driver = new LocalTenantDriver({
      dataRoot: cfg.dataRoot, indexRoot: cfg.indexRoot, host: cfg.host, portRange: cfg.portRange,
      syncIntervalS: cfg.syncIntervalSeconds, quotaMb: cfg.storageQuotaMb, maxUploadMb: cfg.maxUploadMb, trashRetentionDays: cfg.trashRetentionDays,
      idempotencyWindowSeconds: cfg.idempotencyWindowSeconds, noteHistory: cfg.noteHistory, startTimeoutMs: cfg.startTimeoutMs, entry: cfg.tenantEntry,
      spawnPrefix: capabilityDropPrefix(cfg.dropCapabilities), spare: cfg.spareProcess,
      snapshots: { repositoryTemplate: getConfig().snapshots.repositoryTemplate },
      env: { BM_LOG_LEVEL: app.logLevel === 'debug' || app.logLevel === 'trace' ? app.logLevel : 'info' },
      log: (msg, fields) => log.info(fields ?? {}, msg),
    });
    const supervisor = new TenantSupervisor({
      db, driver, authSecret: app.authSecret,
      settings: {
        leaseTtlMs: cfg.leaseTtlMs, tickMs: cfg.supervisorTickMs, healthIntervalMs: cfg.healthIntervalMs,
        healthTimeoutMs: cfg.healthTimeoutMs, degradedAfterMs: cfg.degradedAfterMs, backoffBaseMs: cfg.backoffBaseMs,
        backoffMaxMs: cfg.backoffMaxMs, maxCrashes: cfg.maxCrashes, crashWindowMs: cfg.crashWindowMs,
        maxTenantsPerInstance: cfg.maxTenantsPerInstance, idleStopMs: cfg.idleStopMs, maxConcurrentStarts: cfg.startConcurrency,
      },
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
      onTenantChange: invalidateTenantRoute,
    });
    const collector = new SyncCollector({
      db, authSecret: app.authSecret, intervalMs: cfg.collectorIntervalMs, concurrency: cfg.collectorConcurrency,
      onlyHeldBy: supervisor.holderId, rawNoChangeMs: history.rawNoChangeMs,
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
    });
    const offCreated = onTenantCreated((e) => {
      log.info({ tenantId: e.tenantId }, 'new tenant: provisioning');
      nudgeSupervisor(e.tenantId);
    });
    const snapshots = getConfig().snapshots;
    const snapshotScheduler = snapshots.scheduleEnabled
      ? new SnapshotScheduler({
        db, config: snapshots, onlyHeldBy: supervisor.holderId, idleStopMs: cfg.idleStopMs, healthIntervalMs: cfg.healthIntervalMs,
        onWake: nudgeSupervisor, log: (level, msg, fields) => log[level](fields ?? {}, msg),
      })
      : null;
    supervisor.start();
    collector.start();
    snapshotScheduler?.start();
    log.info({ holder: supervisor.holderId, dataRoot: cfg.dataRoot, indexRoot: cfg.indexRoot }, 'tenant supervisor and sync collector started');

    let stopping: Promise<void> | null = null;
    const stop = () => (stopping ??= (async () => {
      offCreated();
      await maintenance.stop().catch(() => {});
      await collector.stop().catch(() => {});
      await snapshotScheduler?.stop().catch(() => {});
      await supervisor.stop().catch((err) => log.error({ err: String(err) }, 'supervisor stop failed'));
      await driver.stopAll(5000).catch(() => {});
      log.info('tenant services stopped');
    })());
    // If the process exits without a graceful stop, children are still told to go (they release their locks).
    process.once('exit', () => driver.killAllSync());
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        void stop().finally(() => {
          // Let Next's own handler (if any) finish; exit if nobody else does.
          if (process.listenerCount(sig) === 0) process.exit(0);
        });
      });
    }
    return { supervisor, collector, driver, stop };
  })());
}
