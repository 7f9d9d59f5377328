// Tenant runtime in Postgres: supervision leases, where each tenant API answers, status transitions.
// Postgres is the shared truth between app instances: any instance's tenant proxy reads the address
// written by whichever instance holds the tenant's lease.
import { and, eq, exists, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { rowsOf } from '../queryable.ts';
import { tenantEndpoints, tenantLeases, tenants, type Tenant } from '../schema.ts';

export type TenantStatus = Tenant['status'];

// ---------------------------------------------------------------------------------------------- leases

// Lease times come from the database clock, so app instances with skewed clocks agree on expiry.
const expiresIn = (ttlMs: number) => sql<Date>`now() + ${ttlMs} * interval '1 millisecond'`;

/**
 * Takes or renews the lease of one tenant in one atomic statement: it succeeds only if nobody holds
 * it, the holder's lease expired, or we are the holder. Returns true if `holder` now holds it.
 */
export async function acquireTenantLease(db: Database, tenantId: string, holder: string, ttlMs: number): Promise<boolean> {
  const r = await db.execute(sql`
    insert into tenant_leases (tenant_id, holder, acquired_at, renewed_at, expires_at)
    values (${tenantId}, ${holder}, now(), now(), now() + ${ttlMs} * interval '1 millisecond')
    on conflict (tenant_id) do update set
      holder = excluded.holder,
      acquired_at = case when tenant_leases.holder = excluded.holder then tenant_leases.acquired_at else now() end,
      renewed_at = now(),
      expires_at = excluded.expires_at
    where tenant_leases.expires_at < now() or tenant_leases.holder = excluded.holder
    returning tenant_id`);
  return rowsOf(r).length === 1;
}

/**
 * Takes a lease from a named holder that is known to be dead (same host, process gone), without
 * waiting for its TTL. Only succeeds if that holder still has it.
 */
export async function takeOverTenantLease(db: Database, tenantId: string, deadHolder: string, holder: string, ttlMs: number): Promise<boolean> {
  const r = await db.update(tenantLeases)
    .set({ holder, acquiredAt: sql`now()`, renewedAt: sql`now()`, expiresAt: expiresIn(ttlMs) })
    .where(and(eq(tenantLeases.tenantId, tenantId), eq(tenantLeases.holder, deadHolder)))
    .returning({ tenantId: tenantLeases.tenantId });
  return r.length === 1;
}

/** Heartbeat: extends every unexpired lease `holder` holds; returns the tenant ids it still holds. */
export async function renewTenantLeases(db: Database, holder: string, ttlMs: number): Promise<string[]> {
  const r = await db.update(tenantLeases)
    .set({ renewedAt: sql`now()`, expiresAt: expiresIn(ttlMs) })
    .where(and(eq(tenantLeases.holder, holder), gte(tenantLeases.expiresAt, sql`now()`)))
    .returning({ tenantId: tenantLeases.tenantId });
  return r.map((x) => x.tenantId);
}

export async function releaseTenantLease(db: Database, tenantId: string, holder: string): Promise<void> {
  await db.delete(tenantLeases).where(and(eq(tenantLeases.tenantId, tenantId), eq(tenantLeases.holder, holder)));
}

export async function releaseAllTenantLeases(db: Database, holder: string): Promise<void> {
  await db.delete(tenantLeases).where(eq(tenantLeases.holder, holder));
}

// ------------------------------------------------------------------------------------- supervision

export interface SupervisedTenantRow {
  id: string;
  bucketName: string;
  status: TenantStatus;
  statusDetail: string | null;
  desiredState: 'running' | 'stopped';
  leaseHolder: string | null;
  leaseExpiresAt: Date | null;
  crashCount: number;
  crashWindowStartedAt: Date | null;
  nextRestartAt: Date | null;
  restartRequestedAt: Date | null;
}

/** Every tenant with its lease and crash bookkeeping (one query per supervisor tick). */
export async function listTenantsForSupervision(db: Database, onlyId?: string): Promise<SupervisedTenantRow[]> {
  const rows = await db.select({
    id: tenants.id, bucketName: tenants.bucketName, status: tenants.status, statusDetail: tenants.statusDetail, desiredState: tenants.desiredState,
    leaseHolder: tenantLeases.holder, leaseExpiresAt: tenantLeases.expiresAt,
    crashCount: tenantEndpoints.crashCount, crashWindowStartedAt: tenantEndpoints.crashWindowStartedAt,
    nextRestartAt: tenantEndpoints.nextRestartAt, restartRequestedAt: tenantEndpoints.restartRequestedAt,
  }).from(tenants)
    .leftJoin(tenantLeases, eq(tenantLeases.tenantId, tenants.id))
    .leftJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id))
    .where(onlyId ? eq(tenants.id, onlyId) : undefined)
    .orderBy(tenants.createdAt, tenants.id);
  return rows.map((x) => ({ ...x, crashCount: x.crashCount ?? 0 }));
}

/**
 * Sets the tenant's status (statusChangedAt only moves when the status changes). When `holder` is
 * given, the write happens only while that holder has the lease (a supervisor that lost its lease
 * cannot overwrite the new holder's view). Returns true if a row was written.
 */
export async function setTenantStatus(db: Database, tenantId: string, status: TenantStatus, detail: string | null, holder?: string): Promise<boolean> {
  const fence = holder
    ? exists(db.select({ one: sql`1` }).from(tenantLeases).where(and(eq(tenantLeases.tenantId, tenantId), eq(tenantLeases.holder, holder))))
    : undefined;
  const r = await db.update(tenants)
    .set({
      statusChangedAt: sql`case when ${tenants.status} = ${status}::tenant_status then ${tenants.statusChangedAt} else now() end`,
      status, statusDetail: detail, updatedAt: sql`now()`,
    })
    .where(and(eq(tenants.id, tenantId), fence))
    .returning({ id: tenants.id });
  return r.length === 1;
}

export type EndpointPatch = Partial<Omit<typeof tenantEndpoints.$inferInsert, 'tenantId' | 'updatedAt'>>;

/**
 * Writes where a tenant answers (and its crash bookkeeping). When `holder` is given (the supervisor),
 * the write happens only while that holder has the tenant's lease, like setTenantStatus: a stalled
 * former holder cannot point the proxy at a stale address. The lease row is locked FOR SHARE for the
 * write, so a takeover waits for it instead of racing it. Without `holder` (admin requests) it always
 * writes. Returns true if a row was written.
 */
export async function upsertTenantEndpoint(db: Database, tenantId: string, patch: EndpointPatch, holder?: string): Promise<boolean> {
  const write = (d: Pick<Database, 'insert'>) => d.insert(tenantEndpoints).values({ tenantId, ...patch })
    .onConflictDoUpdate({ target: tenantEndpoints.tenantId, set: { ...patch, updatedAt: new Date() } });
  if (!holder) {
    await write(db);
    return true;
  }
  return db.transaction(async (tx) => {
    const lease = await tx.select({ tenantId: tenantLeases.tenantId }).from(tenantLeases)
      .where(and(eq(tenantLeases.tenantId, tenantId), eq(tenantLeases.holder, holder))).for('share');
    if (lease.length === 0) return false;
    await write(tx);
    return true;
  });
}

/** Clears a restart request, but only the one we saw (a newer one stays). */
export async function clearRestartRequest(db: Database, tenantId: string, seen: Date): Promise<void> {
  await db.update(tenantEndpoints).set({ restartRequestedAt: null })
    .where(and(eq(tenantEndpoints.tenantId, tenantId), lte(sql`date_trunc('milliseconds', ${tenantEndpoints.restartRequestedAt})`, sql.param(seen, tenantEndpoints.restartRequestedAt))));
}

// ------------------------------------------------------------------------------------------- routing

export interface TenantRoute {
  tenantId: string;
  bucketName: string;
  status: TenantStatus;
  statusDetail: string | null;
  statusChangedAt: Date;
  desiredState: 'running' | 'stopped';
  baseUrl: string | null;
  nextRestartAt: Date | null;
}

/** What the tenant proxy needs to reach a tenant (by the tenant id of the authenticated caller). */
export async function getTenantRoute(db: Database, tenantId: string): Promise<TenantRoute | null> {
  const rows = await db.select({
    tenantId: tenants.id, bucketName: tenants.bucketName, status: tenants.status, statusDetail: tenants.statusDetail,
    statusChangedAt: tenants.statusChangedAt, desiredState: tenants.desiredState,
    host: tenantEndpoints.host, port: tenantEndpoints.port, nextRestartAt: tenantEndpoints.nextRestartAt,
  }).from(tenants).leftJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id)).where(eq(tenants.id, tenantId)).limit(1);
  const x = rows[0];
  if (!x) return null;
  const baseUrl = x.host && x.port ? `http://${x.host.includes(':') ? `[${x.host}]` : x.host}:${x.port}` : null;
  return {
    tenantId: x.tenantId, bucketName: x.bucketName, status: x.status, statusDetail: x.statusDetail,
    statusChangedAt: x.statusChangedAt, desiredState: x.desiredState, baseUrl, nextRestartAt: x.nextRestartAt,
  };
}

/** Tenants the collector should pull from: running (or degraded) with a known address. */
export async function listReachableTenants(db: Database): Promise<{ tenantId: string; baseUrl: string }[]> {
  const rows = await db.select({ tenantId: tenants.id, host: tenantEndpoints.host, port: tenantEndpoints.port })
    .from(tenants).innerJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id))
    .where(and(inArray(tenants.status, ['running', 'degraded', 'rebuilding']), isNotNull(tenantEndpoints.host), isNotNull(tenantEndpoints.port)))
    .orderBy(tenants.id);
  return rows.map((x) => ({ tenantId: x.tenantId, baseUrl: `http://${x.host!.includes(':') ? `[${x.host}]` : x.host}:${x.port}` }));
}

/** Tenant ids, optionally only those in `statuses` and only those whose unexpired lease `heldBy` has. */
export async function listTenantIds(db: Database, o: { statuses?: TenantStatus[]; heldBy?: string | null }): Promise<string[]> {
  const where = and(
    o.statuses ? inArray(tenants.status, o.statuses) : undefined,
    o.heldBy ? and(eq(tenantLeases.holder, o.heldBy), gte(tenantLeases.expiresAt, sql`now()`)) : undefined,
  );
  const q = db.select({ id: tenants.id }).from(tenants);
  const rows = o.heldBy ? await q.innerJoin(tenantLeases, eq(tenantLeases.tenantId, tenants.id)).where(where) : await q.where(where);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------- admin lifecycle

/** The status detail of a tenant woken by a request, until it runs (requests wait for it rather than answer 503). */
export const WAKING_DETAIL = 'waking on a request';
/** Status details of a boot its supervisor began (app start, admin start or restart): requests wait for these too. */
export const BOOT_DETAIL = 'starting the tenant API';
export const START_REQUESTED_DETAIL = 'start requested';
export const RESTART_REQUESTED_DETAIL = 'restart requested';
export const SHUTDOWN_DETAIL = 'app instance shut down; the next one restarts it';

/**
 * A request for a sleeping tenant: `sleeping` → `starting` (once, whoever asks first, on any instance); the
 * supervisor that takes its lease starts it. True when this call made the change.
 */
export async function requestTenantWake(db: Database, tenantId: string): Promise<boolean> {
  const r = await db.update(tenants)
    .set({ status: 'starting', statusDetail: WAKING_DETAIL, statusChangedAt: sql`now()` as unknown as Date })
    .where(and(eq(tenants.id, tenantId), eq(tenants.status, 'sleeping'), eq(tenants.desiredState, 'running')))
    .returning({ id: tenants.id });
  return r.length > 0;
}

/** Replaces a sleeping tenant's status detail (no lease: it only says why something was not done while it sleeps). */
export async function noteSleepingTenant(db: Database, tenantId: string, detail: string): Promise<void> {
  await db.update(tenants).set({ statusDetail: detail })
    .where(and(eq(tenants.id, tenantId), eq(tenants.status, 'sleeping')));
}

export type TenantAdminAction = 'start' | 'stop' | 'restart' | 'reindex';

/** Desired running; a failed or stopped tenant gets a fresh crash budget and starts on the next tick. */
export async function requestTenantStart(db: Database, tenantId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(tenants).set({ desiredState: 'running' }).where(eq(tenants.id, tenantId));
    await tx.update(tenants).set({ status: 'starting', statusChangedAt: sql`now()`, statusDetail: START_REQUESTED_DETAIL })
      .where(and(eq(tenants.id, tenantId), inArray(tenants.status, ['failed', 'stopped', 'sleeping'])));
    await tx.insert(tenantEndpoints).values({ tenantId, crashCount: 0 }).onConflictDoUpdate({
      target: tenantEndpoints.tenantId, set: { crashCount: 0, crashWindowStartedAt: null, nextRestartAt: null, updatedAt: new Date() },
    });
  });
}

export async function requestTenantStop(db: Database, tenantId: string): Promise<void> {
  await db.update(tenants).set({ desiredState: 'stopped' }).where(eq(tenants.id, tenantId));
}

/** The lease holder restarts the process on its next tick (any app instance may ask). */
export async function requestTenantRestart(db: Database, tenantId: string): Promise<void> {
  await requestTenantStart(db, tenantId);
  await db.insert(tenantEndpoints).values({ tenantId, restartRequestedAt: sql`now()` as unknown as Date }).onConflictDoUpdate({
    target: tenantEndpoints.tenantId, set: { restartRequestedAt: sql`now()` as unknown as Date, updatedAt: new Date() },
  });
}
