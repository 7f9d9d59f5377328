// Snapshot runs (snapshot_runs): one row per snapshot a tenant took or tried to take. Tenant-scoped reads take
// the caller's tenant id, so another tenant's snapshot is simply not found.
import { and, count, desc, eq, gt, inArray, isNull, lt, max, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../client.ts';
import { snapshotRuns, tenants, type SnapshotRun } from '../schema.ts';
import { builtOnce, dateOf } from '../queryable.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startSnapshotRun(db: Database, v: { tenantId: string; kind: 'scheduled' | 'manual'; description?: string | null; createdBy?: string | null }): Promise<SnapshotRun> {
  const [row] = await db.insert(snapshotRuns).values({ tenantId: v.tenantId, kind: v.kind, description: v.description ?? null, createdBy: v.createdBy ?? null }).returning();
  return row!;
}

export async function finishSnapshotRun(db: Database, id: string, v: { resticId: string; files: number; bytesAdded: number; repositoryBytes: number | null; durationMs: number }): Promise<SnapshotRun> {
  const [row] = await db.update(snapshotRuns).set({ status: 'succeeded', finishedAt: new Date(), ...v }).where(eq(snapshotRuns.id, id)).returning();
  return row!;
}

export async function failSnapshotRun(db: Database, id: string, error: string, durationMs: number): Promise<void> {
  await db.update(snapshotRuns).set({ status: 'failed', finishedAt: new Date(), error: error.slice(0, 2000), durationMs }).where(eq(snapshotRuns.id, id));
}

/** The tenant's snapshot `id` (succeeded, not deleted), or null: never another tenant's. */
export async function getTenantSnapshot(db: Database, tenantId: string, id: string): Promise<SnapshotRun | null> {
  if (!UUID_RE.test(id)) return null;
  const [row] = await db.select().from(snapshotRuns).where(and(eq(snapshotRuns.id, id), eq(snapshotRuns.tenantId, tenantId),
    eq(snapshotRuns.status, 'succeeded'), isNull(snapshotRuns.deletedAt)));
  return row ?? null;
}

/** The tenant's live snapshots, newest first. */
export async function listTenantSnapshots(db: Database, tenantId: string, limit = 1000): Promise<SnapshotRun[]> {
  return db.select().from(snapshotRuns).where(and(eq(snapshotRuns.tenantId, tenantId), eq(snapshotRuns.status, 'succeeded'), isNull(snapshotRuns.deletedAt)))
    .orderBy(desc(snapshotRuns.startedAt)).limit(limit);
}

export async function markSnapshotDeleted(db: Database, tenantId: string, id: string): Promise<void> {
  await db.update(snapshotRuns).set({ deletedAt: new Date() }).where(and(eq(snapshotRuns.id, id), eq(snapshotRuns.tenantId, tenantId)));
}

/** Marks the tenant's snapshots whose restic id starts one of `resticIds` (full ids) as deleted (retention). */
export async function markForgottenByRestic(db: Database, tenantId: string, resticIds: string[]): Promise<number> {
  if (resticIds.length === 0) return 0;
  const live = await db.select({ id: snapshotRuns.id, resticId: snapshotRuns.resticId }).from(snapshotRuns)
    .where(and(eq(snapshotRuns.tenantId, tenantId), isNull(snapshotRuns.deletedAt), eq(snapshotRuns.status, 'succeeded')));
  const gone = live.filter((r) => r.resticId && resticIds.some((full) => full.startsWith(r.resticId!))).map((r) => r.id);
  if (gone.length) await db.update(snapshotRuns).set({ deletedAt: new Date() }).where(inArray(snapshotRuns.id, gone));
  return gone.length;
}

/** When the tenant's last scheduled run started (any status), for the schedule. */
/** Sleeping tenants (meant to run) with when they fell asleep and their latest scheduled snapshot, in one query. */
export async function sleepingTenantsLastScheduled(db: Database): Promise<Array<{
  tenantId: string; asleepSince: Date; lastStartedAt: Date | null; lastFinishedAt: Date | null; lastStatus: SnapshotRun['status'] | null;
}>> {
  return db.selectDistinctOn([tenants.id], {
    tenantId: tenants.id, asleepSince: tenants.statusChangedAt,
    lastStartedAt: snapshotRuns.startedAt, lastFinishedAt: snapshotRuns.finishedAt, lastStatus: snapshotRuns.status,
  }).from(tenants)
    .leftJoin(snapshotRuns, and(eq(snapshotRuns.tenantId, tenants.id), eq(snapshotRuns.kind, 'scheduled')))
    .where(and(eq(tenants.status, 'sleeping'), eq(tenants.desiredState, 'running')))
    .orderBy(tenants.id, sql`${snapshotRuns.startedAt} desc nulls last`);
}

export async function lastScheduledStart(db: Database, tenantId: string): Promise<Date | null> {
  const [row] = await db.select({ at: snapshotRuns.startedAt }).from(snapshotRuns)
    .where(and(eq(snapshotRuns.tenantId, tenantId), eq(snapshotRuns.kind, 'scheduled'))).orderBy(desc(snapshotRuns.startedAt)).limit(1);
  return row?.at ?? null;
}

/** Has the tenant ever had a successful snapshot (then a missing repository is an error, not a first run)? */
export async function hasSucceededSnapshot(db: Database, tenantId: string): Promise<boolean> {
  const [row] = await db.select({ id: snapshotRuns.id }).from(snapshotRuns)
    .where(and(eq(snapshotRuns.tenantId, tenantId), eq(snapshotRuns.status, 'succeeded'))).limit(1);
  return !!row;
}

/** Runs left `running` by a process that died: failed, with a reason. */
export async function failStaleSnapshotRuns(db: Database, olderThan: Date): Promise<number> {
  const r = await db.update(snapshotRuns).set({ status: 'failed', finishedAt: new Date(), error: 'interrupted: the app stopped while the snapshot ran' })
    .where(and(eq(snapshotRuns.status, 'running'), lt(snapshotRuns.startedAt, olderThan))).returning({ id: snapshotRuns.id });
  return r.length;
}

export interface SnapshotHealthRow {
  tenantId: string;
  lastGoodAt: Date | null;
  lastGoodDurationMs: number | null;
  repositoryBytes: number | null;
  failuresSinceGood: number;
  lastError: string | null;
  lastRunAt: Date | null;
}

/** The snapshot health of every tenant, or of the listed ones (`tenantIds`, an array). */
const snapshotHealthQuery = builtOnce((db, scope: 'all' | 'listed') => {
  const good = db.select({
    startedAt: snapshotRuns.startedAt, finishedAt: snapshotRuns.finishedAt, durationMs: snapshotRuns.durationMs, repositoryBytes: snapshotRuns.repositoryBytes,
  }).from(snapshotRuns).where(and(eq(snapshotRuns.tenantId, tenants.id), eq(snapshotRuns.status, 'succeeded')))
    .orderBy(desc(snapshotRuns.startedAt)).limit(1).as('good');
  const failed = alias(snapshotRuns, 'failed');
  const failedOfTenant = and(eq(failed.tenantId, tenants.id), eq(failed.status, 'failed'));
  const any = alias(snapshotRuns, 'any_run');
  return db.select({
    tenantId: tenants.id, lastGoodAt: good.finishedAt, lastGoodDurationMs: good.durationMs, repositoryBytes: good.repositoryBytes,
    failuresSinceGood: sql<number>`(${db.select({ n: count() }).from(failed)
      .where(and(failedOfTenant, gt(failed.startedAt, sql`coalesce(${good.startedAt}, 'epoch'::timestamptz)`)))})`.mapWith(Number),
    lastError: sql<string | null>`(${db.select({ error: failed.error }).from(failed).where(failedOfTenant).orderBy(desc(failed.startedAt)).limit(1)})`,
    lastRunAt: sql<Date | null>`(${db.select({ at: max(any.startedAt) }).from(any).where(eq(any.tenantId, tenants.id))})`.mapWith(dateOf),
  }).from(tenants).leftJoinLateral(good, sql`true`)
    // One statement whatever the number of tenants listed: the list is one array parameter.
    .where(scope === 'listed' ? sql`${tenants.id} = any(${sql.placeholder('tenantIds')}::uuid[])` : undefined)
    .prepare(`snapshot_health_${scope}`);
});

/** Per tenant: the last good snapshot, its duration and repository size, failures since, the last error. */
export async function snapshotHealthByTenant(db: Database, tenantIds?: string[]): Promise<Map<string, SnapshotHealthRow>> {
  if (tenantIds && tenantIds.length === 0) return new Map();
  const rows = await snapshotHealthQuery(db, tenantIds ? 'listed' : 'all').execute({ tenantIds });
  return new Map(rows.map((x) => [x.tenantId, x]));
}
