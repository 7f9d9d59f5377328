// Settings of the tenant runtime (issue 5): provisioner, supervisor, tenant proxy, sync collector.
// index.ts composes this section as `getConfig().tenants`. Every variable is optional.
import { CAPABILITY_DROP_MODES, type CapabilityDropMode } from '../tenants/capability-drop.ts';
import { buildAllowList, ephemeralPortRange, parsePortRanges, type TenantAddressAllowList } from '../tenants/tenant-address.ts';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AppConfig } from './app.ts';
import { envBool, envEnum, envInt, envString } from './env.ts';

// import.meta.dirname is undefined inside the Next bundle (see lib/paths.ts).
import { REPO_ROOT } from '../paths.ts';

export const tenantsEnvSchema = z.object({
  /** How tenant APIs are run: `local` = child processes of the app on loopback. */
  TENANT_DRIVER: envEnum(['local'] as const, 'local'),
  /** Tenants' files: `<root>/<tenant-id>/data`. Default `<BMC_DATA_DIR>/tenants`. */
  TENANT_DATA_ROOT: envString(),
  /** Tenants' SQLite indexes (a cache): `<root>/<tenant-id>`. Default `~/.cache/basic-memory-cloud/tenant-index` (XDG_CACHE_HOME honoured). */
  TENANT_INDEX_ROOT: envString(),
  TENANT_HOST: envString().pipe(z.string().default('127.0.0.1')),
  /** `0` (the OS picks; the tenant reports its port) or `LOW-HIGH`. */
  TENANT_PORT_RANGE: envString().pipe(
    z.string().regex(/^(0|\d{4,5}-\d{4,5})$/, { error: 'expects 0 or a port range LOW-HIGH such as 21000-21999' }).default('0'),
  ),
  TENANT_SYNC_INTERVAL_SECONDS: envInt(30, 0, 86_400, 'the tenant sync interval in seconds'),
  /** Storage quota of each tenant's files in MiB (WebDAV and resource uploads past it: 507); 0 = none. */
  TENANT_STORAGE_QUOTA_MB: envInt(0, 0, 1024 * 1024 * 1024, 'the per-tenant storage quota in MiB (0 = none)'),
  /** Cap of one upload (WebDAV PUT, resource PUT) in MiB. */
  TENANT_MAX_UPLOAD_MB: envInt(100, 1, 1024 * 1024, 'the per-upload cap in MiB'),
  /** Deleted notes, files and projects stay restorable in each tenant's trash this long (tenant --trash-retention-days). */
  TENANT_TRASH_RETENTION_DAYS: envInt(30, 1, 3650, 'the days deleted notes stay in the tenant trash'),
  /** Start tenants without Linux capabilities (setpriv): `auto` = when the app runs as root. See lib/tenants/capability-drop.ts. */
  TENANT_DROP_CAPABILITIES: envEnum(CAPABILITY_DROP_MODES, 'auto'),
  /** A retry with the same Idempotency-Key within this window replays the first success (tenant --idempotency-window-seconds). */
  TENANT_IDEMPOTENCY_WINDOW_SECONDS: envInt(86_400, 1, 30 * 86_400, 'the Idempotency-Key replay window in seconds'),
  /** Per-write note history (tenant --history-*): versions kept per note (0 = none), their age, bytes per tenant, largest file versioned. */
  NOTE_HISTORY_MAX_VERSIONS: envInt(50, 0, 10_000, 'the versions kept per note'),
  NOTE_HISTORY_MAX_AGE_DAYS: envInt(90, 1, 3650, 'the days a note version is kept'),
  NOTE_HISTORY_MAX_MB: envInt(256, 1, 1024 * 1024, 'the MiB of note history per tenant'),
  NOTE_HISTORY_MAX_FILE_KB: envInt(1024, 1, 1024 * 1024, 'the KiB of the largest file versioned'),
  /** Run the supervisor (and collector) in this app process. */
  TENANT_SUPERVISOR: envBool(true),
  TENANT_START_TIMEOUT_MS: envInt(30_000, 1000, 600_000, 'milliseconds to wait for a tenant to listen'),
  TENANT_HEALTH_TIMEOUT_MS: envInt(2000, 100, 60_000, 'the health check timeout in milliseconds'),
  TENANT_HEALTH_INTERVAL_MS: envInt(2000, 100, 60_000, 'the health check interval in milliseconds'),
  TENANT_DEGRADED_AFTER_MS: envInt(10_000, 500, 600_000, 'milliseconds of failing health checks before `degraded`'),
  TENANT_BACKOFF_BASE_MS: envInt(500, 10, 600_000, 'the first restart delay in milliseconds'),
  TENANT_BACKOFF_MAX_MS: envInt(30_000, 10, 3_600_000, 'the longest restart delay in milliseconds'),
  TENANT_MAX_CRASHES: envInt(5, 1, 1000, 'the crashes within the window before `failed`'),
  TENANT_CRASH_WINDOW_MS: envInt(600_000, 1000, 86_400_000, 'the crash-counting window in milliseconds'),
  TENANT_LEASE_TTL_MS: envInt(15_000, 1000, 600_000, 'the supervision lease lifetime in milliseconds'),
  TENANT_SUPERVISOR_TICK_MS: envInt(1000, 50, 60_000, 'the supervisor tick in milliseconds'),
  /** A tenant with no request, no running sync and no request in flight this long is stopped (status `sleeping`) and woken by the next request; 0 = never. */
  TENANT_IDLE_STOP_SECONDS: envInt(900, 0, 30 * 86_400, 'the idle seconds before a tenant sleeps (0 = never)'),
  /** How long a request waits for a sleeping tenant to wake before a 503 with Retry-After. */
  TENANT_WAKE_TIMEOUT_MS: envInt(30_000, 1000, 600_000, 'milliseconds a request waits for a sleeping tenant to wake'),
  TENANT_MAX_PER_INSTANCE: envInt(0, 0, 1_000_000, 'the most tenants one app instance supervises (0 = no limit)'),
  TENANT_START_CONCURRENCY: envInt(4, 0, 10_000, 'tenant processes one app instance boots at once (0 = no limit)'),
  /** Keep one tenant process started ahead of need (node up, modules loaded): the next start or wake skips that. */
  TENANT_SPARE_PROCESS: envBool(true),
  TENANT_PROXY_CONNECT_TIMEOUT_MS: envInt(5000, 100, 120_000, 'the tenant proxy connect timeout in milliseconds'),
  TENANT_PROXY_IDLE_TIMEOUT_MS: envInt(60_000, 100, 3_600_000, 'the tenant proxy idle timeout in milliseconds'),
  /** Hosts the tenant proxy may connect to, comma separated (default: TENANT_HOST). */
  TENANT_PROXY_ALLOWED_HOSTS: envString(),
  /** Ports the tenant proxy may connect to: `LOW-HIGH[,…]` (default: TENANT_PORT_RANGE, or the OS ephemeral range when that is 0). */
  TENANT_PROXY_ALLOWED_PORTS: envString().pipe(
    z.string().regex(/^\d{1,5}(-\d{1,5})?(,\s*\d{1,5}(-\d{1,5})?)*$/, { error: 'expects ports or ranges such as 21000-21999,22000' }).optional(),
  ),
  /** Largest whole tenant answer (one with Content-Length) passed on, in bytes; larger → 502. */
  TENANT_PROXY_MAX_RESPONSE_BYTES: envInt(512 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024, 'the largest tenant answer in bytes'),
  /** Serve Bearer-authenticated /proxy/* at the node:http layer (same guard, same proxy code), skipping Next's router. */
  TENANT_PROXY_FAST_PATH: envBool(true),
  SYNC_COLLECTOR_INTERVAL_MS: envInt(5000, 200, 10_000, 'the sync-run collection interval in milliseconds (at most 10000)'),
  SYNC_COLLECTOR_CONCURRENCY: envInt(4, 1, 64, 'how many tenants are collected at once'),
  SUBSCRIBE_URL: envString().pipe(
    z.string().refine((s) => { try { return /^https?:$/.test(new URL(s).protocol); } catch { return false; } }, { error: 'expects an http(s) URL' })
      .default('https://basicmemory.com/subscribe'),
  ),
});

export type TenantsEnv = z.output<typeof tenantsEnvSchema>;

export interface TenantsConfig {
  driver: 'local';
  dataRoot: string;
  indexRoot: string;
  host: string;
  portRange: { low: number; high: number } | null;
  /** Where the tenant proxy may connect (hosts × port ranges). */
  proxyAllowList: TenantAddressAllowList;
  proxyMaxResponseBytes: number;
  syncIntervalSeconds: number;
  storageQuotaMb: number;
  maxUploadMb: number;
  trashRetentionDays: number;
  dropCapabilities: CapabilityDropMode;
  idempotencyWindowSeconds: number;
  noteHistory: { maxVersions: number; maxAgeDays: number; maxMb: number; maxFileKb: number };
  supervisorEnabled: boolean;
  startTimeoutMs: number;
  healthTimeoutMs: number;
  healthIntervalMs: number;
  degradedAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxCrashes: number;
  crashWindowMs: number;
  leaseTtlMs: number;
  supervisorTickMs: number;
  maxTenantsPerInstance: number;
  startConcurrency: number;
  spareProcess: boolean;
  /** 0 = tenants never sleep. */
  idleStopMs: number;
  wakeTimeoutMs: number;
  proxyConnectTimeoutMs: number;
  proxyIdleTimeoutMs: number;
  proxyFastPath: boolean;
  collectorIntervalMs: number;
  collectorConcurrency: number;
  subscribeUrl: string;
  /** The tenant API entry point (`node tenant/src/main.ts`). */
  tenantEntry: string;
}

function defaultTenantIndexRoot(env: Record<string, string | undefined> = process.env): string {
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'basic-memory-cloud', 'tenant-index');
}

export function buildTenantsConfig(e: TenantsEnv, app: AppConfig): TenantsConfig {
  const dataRoot = path.resolve(app.dataDir, e.TENANT_DATA_ROOT ?? 'tenants');
  const indexRoot = path.resolve(app.dataDir, e.TENANT_INDEX_ROOT ?? defaultTenantIndexRoot());
  let portRange: TenantsConfig['portRange'] = null;
  if (e.TENANT_PORT_RANGE !== '0') {
    const [low, high] = e.TENANT_PORT_RANGE.split('-').map(Number) as [number, number];
    portRange = { low: Math.max(1024, Math.min(low, high)), high: Math.min(65535, Math.max(low, high)) };
  }
  return {
    driver: e.TENANT_DRIVER,
    dataRoot,
    // The index is a cache of the data: never the same directory.
    indexRoot: indexRoot === dataRoot ? path.join(indexRoot, '.index') : indexRoot,
    host: e.TENANT_HOST,
    portRange,
    syncIntervalSeconds: e.TENANT_SYNC_INTERVAL_SECONDS,
    storageQuotaMb: e.TENANT_STORAGE_QUOTA_MB,
    maxUploadMb: e.TENANT_MAX_UPLOAD_MB,
    trashRetentionDays: e.TENANT_TRASH_RETENTION_DAYS,
    dropCapabilities: e.TENANT_DROP_CAPABILITIES,
    idempotencyWindowSeconds: e.TENANT_IDEMPOTENCY_WINDOW_SECONDS,
    noteHistory: { maxVersions: e.NOTE_HISTORY_MAX_VERSIONS, maxAgeDays: e.NOTE_HISTORY_MAX_AGE_DAYS, maxMb: e.NOTE_HISTORY_MAX_MB, maxFileKb: e.NOTE_HISTORY_MAX_FILE_KB },
    supervisorEnabled: e.TENANT_SUPERVISOR,
    startTimeoutMs: e.TENANT_START_TIMEOUT_MS,
    healthTimeoutMs: e.TENANT_HEALTH_TIMEOUT_MS,
    healthIntervalMs: e.TENANT_HEALTH_INTERVAL_MS,
    degradedAfterMs: e.TENANT_DEGRADED_AFTER_MS,
    backoffBaseMs: e.TENANT_BACKOFF_BASE_MS,
    backoffMaxMs: Math.max(e.TENANT_BACKOFF_MAX_MS, e.TENANT_BACKOFF_BASE_MS),
    maxCrashes: e.TENANT_MAX_CRASHES,
    crashWindowMs: e.TENANT_CRASH_WINDOW_MS,
    leaseTtlMs: e.TENANT_LEASE_TTL_MS,
    supervisorTickMs: e.TENANT_SUPERVISOR_TICK_MS,
    maxTenantsPerInstance: e.TENANT_MAX_PER_INSTANCE,
    startConcurrency: e.TENANT_START_CONCURRENCY,
    spareProcess: e.TENANT_SPARE_PROCESS,
    idleStopMs: e.TENANT_IDLE_STOP_SECONDS * 1000,
    wakeTimeoutMs: e.TENANT_WAKE_TIMEOUT_MS,
    proxyConnectTimeoutMs: e.TENANT_PROXY_CONNECT_TIMEOUT_MS,
    proxyIdleTimeoutMs: e.TENANT_PROXY_IDLE_TIMEOUT_MS,
    proxyFastPath: e.TENANT_PROXY_FAST_PATH,
    proxyAllowList: buildAllowList(
      e.TENANT_PROXY_ALLOWED_HOSTS ? e.TENANT_PROXY_ALLOWED_HOSTS.split(',') : [e.TENANT_HOST],
      e.TENANT_PROXY_ALLOWED_PORTS ? parsePortRanges(e.TENANT_PROXY_ALLOWED_PORTS) : portRange ? [portRange] : [ephemeralPortRange()],
    ),
    proxyMaxResponseBytes: e.TENANT_PROXY_MAX_RESPONSE_BYTES,
    collectorIntervalMs: e.SYNC_COLLECTOR_INTERVAL_MS,
    collectorConcurrency: e.SYNC_COLLECTOR_CONCURRENCY,
    subscribeUrl: e.SUBSCRIBE_URL,
    tenantEntry: path.join(REPO_ROOT, 'tenant/src/main.ts'),
  };
}
