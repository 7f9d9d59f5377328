// The ops views' data: fleet facts per tenant (status, owner, crashes, last reported, project health),
// the overview (tiles, needs attention, charts over a range), the tenants table (sorted, searched,
// paginated on the server) and one tenant's ops view. Counts and percentiles come from the hourly
// roll-ups; lists of runs from raw sync_runs. Never reads notes' contents (the control plane has none).
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../client.ts';
import { builtOnce } from '../queryable.ts';
import { oneOf, SCAN_TYPES } from '../../../tenant/src/sync/run-vocabulary.ts';
import { memberships, syncProjectStates, syncRuns, tenantEndpoints, tenants, tenantSyncCursors, users } from '../schema.ts';
import { rollupPercentiles, rollupSeries, rollupTotals, type RollupSeriesPoint, type ScanTypePercentiles } from './sync-rollups.ts';
import { listSyncRuns, rebuildHistory, syncRunViewColumns, type SyncRunView } from './sync-runs.ts';
import { deriveProjectHealth, HEALTH_PRECEDENCE, type HealthState } from '../../sync-health/project-health.ts';
import type { SyncHealthSettings } from '../../config/sync-health.ts';
import { snapshotHealthByTenant } from './snapshot-runs.ts';
import { needsAttention, isStale, snapshotsStale, type AttentionItem, type AttentionSettings, type TenantFacts } from '../../ops/needs-attention.ts';

export const OpsRange = z.enum(['1h', '24h', '7d', '30d']);
export type OpsRange = z.infer<typeof OpsRange>;
const RANGE_MS: Record<OpsRange, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

/** A range in whole hours ending now (roll-ups are hourly), and its chart bucket. */
export function opsRangeWindow(range: OpsRange, now: Date): { from: Date; to: Date; bucket: 'hour' | 'day' } {
  const H = 3_600_000;
  const to = new Date(Math.floor(now.getTime() / H) * H + H);
  const from = new Date(Math.floor((now.getTime() - RANGE_MS[range]) / H) * H);
  return { from, to, bucket: range === '7d' || range === '30d' ? 'day' : 'hour' };
}

export interface OpsSettings extends AttentionSettings {
  /** TENANT_SYNC_INTERVAL_SECONDS: the schedule health is judged against. */
  syncIntervalSeconds: number;
  health?: SyncHealthSettings;
}

interface OpsProject {
  project: string;
  health: HealthState;
  lastRunAt: Date;
  lastStatus: string;
  lastScanType: string | null;
  lastDurationMs: number;
  lastOkAt: Date | null;
  lastSkippedCount: number;
}

interface OpsTenantRow {
  tenantId: string;
  name: string;
  ownerEmail: string | null;
  status: string;
  desiredState: 'running' | 'stopped';
  createdAt: Date;
  statusChangedAt: Date;
  projects: number;
  lateOrFailing: number;
  downOrFailing: number;
  lastOkAt: Date | null;
  lastRebuildAt: Date | null;
  lastRebuildMs: number | null;
  crashes: number;
  lastReportedAt: Date | null;
  stale: boolean;
  /** Snapshot health: last good snapshot, its duration, the repository size, failures since, the last error. */
  snapshot: { lastGoodAt: Date | null; durationMs: number | null; repositoryBytes: number | null; failures: number; lastError: string | null; lastRunAt: Date | null; stale: boolean };
}

/** Tenants with their owner (the first owner membership), crash window and collection cursor: all, or one (`tenantId`). */
const fleetTenantsQuery = builtOnce((db, scope: 'all' | 'one') => {
  const ownerEmail = db.select({ email: users.email }).from(memberships).innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenants.id), eq(memberships.role, 'owner'))).orderBy(memberships.createdAt).limit(1);
  return db.select({
    id: tenants.id, name: tenants.name, status: tenants.status, desiredState: tenants.desiredState, createdAt: tenants.createdAt,
    statusChangedAt: tenants.statusChangedAt, ownerEmail: sql<string | null>`(${ownerEmail})`,
    crashCount: tenantEndpoints.crashCount, crashWindowStartedAt: tenantEndpoints.crashWindowStartedAt,
    lastCollectedAt: tenantSyncCursors.lastCollectedAt, lastRebuildAt: tenantSyncCursors.lastRebuildAt, lastRebuildMs: tenantSyncCursors.lastRebuildMs,
  }).from(tenants)
    .leftJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id))
    .leftJoin(tenantSyncCursors, eq(tenantSyncCursors.tenantId, tenants.id))
    .where(scope === 'one' ? eq(tenants.id, sql.placeholder('tenantId')) : undefined)
    .prepare(`ops_fleet_tenants_${scope}`);
});

/** The latest state of each project (the columns health is judged from): all tenants', or one's (`tenantId`). */
const fleetProjectStatesQuery = builtOnce((db, scope: 'all' | 'one') => db.select({
  tenantId: syncProjectStates.tenantId, project: syncProjectStates.project, lastRunAt: syncProjectStates.lastRunAt,
  lastStatus: syncProjectStates.lastStatus, lastScanType: syncProjectStates.lastScanType, lastDurationMs: syncProjectStates.lastDurationMs,
  lastOkAt: syncProjectStates.lastOkAt, lastSkippedCount: syncProjectStates.lastSkippedCount, lastErrorCount: syncProjectStates.lastErrorCount,
}).from(syncProjectStates)
  .where(scope === 'one' ? eq(syncProjectStates.tenantId, sql.placeholder('tenantId')) : undefined)
  .prepare(`ops_fleet_project_states_${scope}`));

/** Every tenant's facts and its projects' derived health (one pass; the views slice it). */
export async function loadFleet(db: Database, now: Date, s: OpsSettings, onlyTenantId?: string): Promise<{ tenants: OpsTenantRow[]; projects: Map<string, OpsProject[]>; facts: TenantFacts[] }> {
  const scope = onlyTenantId ? 'one' : 'all';
  const [rows, states, snaps] = await Promise.all([
    fleetTenantsQuery(db, scope).execute({ tenantId: onlyTenantId }),
    fleetProjectStatesQuery(db, scope).execute({ tenantId: onlyTenantId }),
    snapshotHealthByTenant(db, onlyTenantId ? [onlyTenantId] : undefined),
  ]);
  const status = new Map<string, string>();
  for (const r of rows) status.set(r.id, r.status);
  const projects = new Map<string, OpsProject[]>();
  for (const p of states) {
    const h = deriveProjectHealth({
      latestRun: { status: p.lastStatus, at: p.lastRunAt, skipped: p.lastSkippedCount, errors: p.lastErrorCount },
      latestSuccessfulRun: p.lastOkAt ? { at: p.lastOkAt } : null, inFlight: false,
      tenantStatus: status.get(p.tenantId) ?? 'unknown', intervalSeconds: s.syncIntervalSeconds,
    }, { now, settings: s.health });
    const list = projects.get(p.tenantId) ?? [];
    list.push({ project: p.project, health: h.state, lastRunAt: p.lastRunAt, lastStatus: p.lastStatus, lastScanType: p.lastScanType,
      lastDurationMs: p.lastDurationMs, lastOkAt: p.lastOkAt, lastSkippedCount: p.lastSkippedCount });
    projects.set(p.tenantId, list);
  }
  const fleetRows: OpsTenantRow[] = [];
  const facts: TenantFacts[] = [];
  for (const r of rows) {
    const tenantId = r.id;
    const ps = (projects.get(tenantId) ?? []).sort((a, b) => (a.project < b.project ? -1 : 1));
    const downOrFailing = ps.filter((p) => p.health === 'down' || p.health === 'failing').length;
    const lateOrFailing = ps.filter((p) => p.health === 'late' || p.health === 'down' || p.health === 'failing').length;
    const lastOk = ps.reduce<Date | null>((m, p) => (p.lastOkAt && (!m || p.lastOkAt > m) ? p.lastOkAt : m), null);
    const f: TenantFacts = {
      tenantId, status: r.status, desiredState: r.desiredState,
      crashCount: r.crashCount ?? 0, crashWindowStartedAt: r.crashWindowStartedAt,
      projectsDownOrFailing: downOrFailing, lastReportedAt: r.lastCollectedAt, createdAt: r.createdAt,
      lastGoodSnapshotAt: snaps.get(tenantId)?.lastGoodAt ?? null, snapshotRunsSeen: !!snaps.get(tenantId)?.lastRunAt,
    };
    const sh = snaps.get(tenantId);
    facts.push(f);
    fleetRows.push({
      tenantId, name: r.name, ownerEmail: r.ownerEmail, status: f.status, desiredState: f.desiredState,
      createdAt: f.createdAt, statusChangedAt: r.statusChangedAt, projects: ps.length, lateOrFailing, downOrFailing, lastOkAt: lastOk,
      lastRebuildAt: r.lastRebuildAt, lastRebuildMs: r.lastRebuildMs,
      crashes: f.crashCount, lastReportedAt: f.lastReportedAt, stale: isStale(f, now, s.staleAfterMs),
      snapshot: { lastGoodAt: sh?.lastGoodAt ?? null, durationMs: sh?.lastGoodDurationMs ?? null, repositoryBytes: sh?.repositoryBytes ?? null,
        failures: sh?.failuresSinceGood ?? 0, lastError: sh?.lastError ?? null, lastRunAt: sh?.lastRunAt ?? null, stale: snapshotsStale(f, now, s.snapshotIntervalMs) },
    });
  }
  return { tenants: fleetRows, projects, facts };
}

// ------------------------------------------------------------------------------------------ overview

export interface OpsOverview {
  range: OpsRange;
  from: Date;
  to: Date;
  bucket: 'hour' | 'day';
  tenantsByStatus: Record<string, number>;
  projectsByHealth: Record<HealthState, number>;
  runs: { total: number; failed: number; failedShare: number };
  percentiles: ScanTypePercentiles[];
  rebuildP95Ms: number | null;
  needsAttention: Array<AttentionItem & { name: string; ownerEmail: string | null }>;
  series: RollupSeriesPoint[];
}

export async function opsOverview(db: Database, range: OpsRange, now: Date, s: OpsSettings): Promise<OpsOverview> {
  const w = opsRangeWindow(range, now);
  const [fleet, totals, percentiles, series] = await Promise.all([
    loadFleet(db, now, s), rollupTotals(db, w), rollupPercentiles(db, w), rollupSeries(db, w, { bucket: w.bucket }),
  ]);
  const tenantsByStatus: Record<string, number> = {};
  for (const t of fleet.tenants) tenantsByStatus[t.status] = (tenantsByStatus[t.status] ?? 0) + 1;
  const projectsByHealth = Object.fromEntries(HEALTH_PRECEDENCE.map((h) => [h, 0])) as Record<HealthState, number>;
  for (const ps of fleet.projects.values()) for (const p of ps) projectsByHealth[p.health]++;
  const byId = new Map(fleet.tenants.map((t) => [t.tenantId, t]));
  return {
    range, from: w.from, to: w.to, bucket: w.bucket, tenantsByStatus, projectsByHealth,
    runs: { total: totals.syncRuns, failed: totals.syncFailed, failedShare: totals.syncRuns ? totals.syncFailed / totals.syncRuns : 0 },
    percentiles, rebuildP95Ms: percentiles.find((p) => p.scanType === 'rebuild')?.p95Ms ?? null,
    needsAttention: needsAttention(fleet.facts, now, s).map((i) => ({ ...i, name: byId.get(i.tenantId)!.name, ownerEmail: byId.get(i.tenantId)!.ownerEmail })),
    series,
  };
}

// ------------------------------------------------------------------------------------ tenants table

export const OpsTenantSort = z.enum(['owner', 'status', 'projects', 'last_ok', 'last_rebuild', 'late', 'crashes', 'last_reported']);
export type OpsTenantSort = z.infer<typeof OpsTenantSort>;

export const OpsTenantsQuery = z.object({
  q: z.string().trim().max(200).default(''),
  sort: OpsTenantSort.default('last_reported'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type OpsTenantsQuery = z.infer<typeof OpsTenantsQuery>;

const sortKey: Record<OpsTenantSort, (t: OpsTenantRow) => string | number | null> = {
  owner: (t) => (t.ownerEmail ?? t.name).toLowerCase(),
  status: (t) => t.status,
  projects: (t) => t.projects,
  last_ok: (t) => t.lastOkAt?.getTime() ?? null,
  last_rebuild: (t) => t.lastRebuildAt?.getTime() ?? null,
  late: (t) => t.lateOrFailing,
  crashes: (t) => t.crashes,
  last_reported: (t) => t.lastReportedAt?.getTime() ?? null,
};

export interface OpsTenantsPage { rows: OpsTenantRow[]; total: number; page: number; pageSize: number; pages: number; query: OpsTenantsQuery }

export async function opsTenantsTable(db: Database, query: OpsTenantsQuery, now: Date, s: OpsSettings): Promise<OpsTenantsPage> {
  const { tenants } = await loadFleet(db, now, s);
  const q = query.q.toLowerCase();
  const hits = q ? tenants.filter((t) => (t.ownerEmail ?? '').toLowerCase().includes(q) || t.name.toLowerCase().includes(q) || t.tenantId.includes(q) || t.status === q) : tenants;
  const key = sortKey[query.sort];
  const dir = query.dir === 'desc' ? -1 : 1;
  // Missing values (never reported, never rebuilt) sort first ascending: they are what ops looks for.
  hits.sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === y) return a.tenantId < b.tenantId ? -1 : 1;
    if (x === null) return -dir;
    if (y === null) return dir;
    return (x < y ? -1 : 1) * dir;
  });
  const pages = Math.max(1, Math.ceil(hits.length / query.pageSize));
  const page = Math.min(query.page, pages);
  return { rows: hits.slice((page - 1) * query.pageSize, page * query.pageSize), total: hits.length, page, pageSize: query.pageSize, pages, query: { ...query, page } };
}

// -------------------------------------------------------------------------------------- one tenant

export interface OpsTenantDetail {
  tenant: OpsTenantRow;
  attention: AttentionItem | null;
  projects: OpsProject[];
  runs: SyncRunView[];
  rebuilds: SyncRunView[];
  percentiles: ScanTypePercentiles[];
  series: RollupSeriesPoint[];
  range: OpsRange;
}

export async function opsTenantDetail(db: Database, tenantId: string, range: OpsRange, now: Date, s: OpsSettings): Promise<OpsTenantDetail | null> {
  const fleet = await loadFleetOne(db, tenantId, now, s);
  if (!fleet) return null;
  const w = opsRangeWindow(range, now);
  const [runs, rebuilds, percentiles, series] = await Promise.all([
    listSyncRuns(db, tenantId, { limit: 50 }), rebuildHistory(db, { tenantId, limit: 20 }),
    rollupPercentiles(db, w, { tenantId }), rollupSeries(db, w, { tenantId, bucket: w.bucket }),
  ]);
  return { ...fleet, runs, rebuilds, percentiles, series, range };
}

async function loadFleetOne(db: Database, tenantId: string, now: Date, s: OpsSettings) {
  if (!/^[0-9a-f-]{36}$/i.test(tenantId)) return null;
  // One tenant's rows only (the whole fleet is not needed to judge one tenant).
  const all = await loadFleet(db, now, s, tenantId);
  const tenant = all.tenants.find((t) => t.tenantId === tenantId);
  if (!tenant) return null;
  const attention = needsAttention(all.facts.filter((f) => f.tenantId === tenantId), now, s)[0] ?? null;
  return { tenant, attention, projects: all.projects.get(tenantId) ?? [] };
}

// --------------------------------------------------------------------------------- drill to runs

export const OpsRunsQuery = z.object({
  from: z.iso.datetime({ offset: true }).transform((x) => new Date(x)),
  to: z.iso.datetime({ offset: true }).transform((x) => new Date(x)),
  scanType: z.string().max(40).regex(/^[a-z_]+$/).optional(),
  tenantId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OpsRunsQuery = z.infer<typeof OpsRunsQuery>;

/** The raw runs a chart bucket counts (no-change runs past their raw retention are counted but no longer listed). */
export async function opsRunsInBucket(db: Database, q: OpsRunsQuery): Promise<SyncRunView[]> {
  // `rebuild` drills to rebuilds; a name that is no scan type (`unknown`) matches no run, as before the sets were closed.
  const scanType = q.scanType === undefined || q.scanType === 'rebuild' ? undefined : oneOf(SCAN_TYPES, q.scanType, null);
  if (scanType === null) return [];
  return db.select(syncRunViewColumns).from(syncRuns)
    .where(and(
      gte(syncRuns.startedAt, q.from), lt(syncRuns.startedAt, q.to),
      q.scanType === 'rebuild' ? eq(syncRuns.kind, 'rebuild') : scanType ? and(eq(syncRuns.kind, 'sync'), eq(syncRuns.scanType, scanType)) : undefined,
      q.tenantId ? eq(syncRuns.tenantId, q.tenantId) : undefined,
    ))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.runId)).limit(q.limit);
}
