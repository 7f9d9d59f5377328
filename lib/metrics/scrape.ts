// GET /metrics: the per-process counters plus fleet state read from Postgres at scrape time
// (tenants by status, collector lag per tenant). Access: `Authorization: Bearer $METRICS_TOKEN` when
// the setting is set, otherwise loopback callers only (client address by the TRUSTED_PROXY_HOPS rule).
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, count, eq, ne, sql } from 'drizzle-orm';
import { Gauge, Registry } from 'prom-client';
import type { Database } from '../db/client.ts';
import { tenants as tenantRows, tenantStatus, tenantSyncCursors } from '../db/schema.ts';
import { appMetrics } from './registry.ts';
import { snapshotHealthByTenant } from '../db/queries/snapshot-runs.ts';

const sha = (s: string) => createHash('sha256').update(s).digest();

/** True when the caller may read the metrics. */
export function metricsAllowed(authorization: string | null, clientIp: string | null, token: string | null): boolean {
  if (token) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    return !!m && timingSafeEqual(sha(m[1]!.trim()), sha(token));
  }
  return clientIp === '127.0.0.1' || clientIp === '::1' || (clientIp?.startsWith('127.') ?? false) || clientIp === '::ffff:127.0.0.1';
}

/** Prometheus text: this process's counters and the fleet gauges as of now. */
export async function renderMetrics(db: Database, now: Date = new Date()): Promise<{ contentType: string; body: string }> {
  const fleet = new Registry();
  const tenants = new Gauge({ name: 'bmc_tenants', help: 'Tenants by status.', labelNames: ['status'] as const, registers: [fleet] });
  const lag = new Gauge({
    name: 'bmc_sync_collector_lag_seconds', help: 'Seconds since the collector last heard from each tenant that should be running and is not asleep (never heard: since the tenant was created).',
    labelNames: ['tenant_id'] as const, registers: [fleet],
  });
  const [byStatus, lags] = await Promise.all([
    db.select({ status: tenantRows.status, n: count() }).from(tenantRows).groupBy(tenantRows.status),
    db.select({
      tenantId: tenantRows.id,
      lag: sql<number>`extract(epoch from (${now.toISOString()}::timestamptz - coalesce(${tenantSyncCursors.lastCollectedAt}, ${tenantRows.createdAt})))`.mapWith(Number),
    }).from(tenantRows).leftJoin(tenantSyncCursors, eq(tenantSyncCursors.tenantId, tenantRows.id))
      .where(and(eq(tenantRows.desiredState, 'running'), ne(tenantRows.status, 'sleeping'))),
  ]);
  const counts = new Map<string, number>(byStatus.map((r) => [r.status, r.n]));
  for (const s of tenantStatus.enumValues) tenants.labels(s).set(counts.get(s) ?? 0);
  for (const r of lags) lag.labels(r.tenantId).set(Math.max(0, r.lag));
  // snapshot health per tenant that should be running: the same facts as the ops page
  const snapAge = new Gauge({ name: 'bmc_snapshot_last_good_age_seconds', help: 'Seconds since the tenant\'s last good snapshot finished (no good snapshot yet: absent).', labelNames: ['tenant_id'] as const, registers: [fleet] });
  const snapDuration = new Gauge({ name: 'bmc_snapshot_last_good_duration_seconds', help: 'Duration of the tenant\'s last good snapshot.', labelNames: ['tenant_id'] as const, registers: [fleet] });
  const snapRepo = new Gauge({ name: 'bmc_snapshot_repository_bytes', help: 'Size of the tenant\'s snapshot repository after its last good snapshot.', labelNames: ['tenant_id'] as const, registers: [fleet] });
  const snapFailures = new Gauge({ name: 'bmc_snapshot_failures_since_good', help: 'Failed snapshot runs since the tenant\'s last good one.', labelNames: ['tenant_id'] as const, registers: [fleet] });
  const running = (await db.select({ id: tenantRows.id }).from(tenantRows).where(eq(tenantRows.desiredState, 'running'))).map((r) => r.id);
  for (const h of (await snapshotHealthByTenant(db, running)).values()) {
    if (h.lastGoodAt) snapAge.labels(h.tenantId).set(Math.max(0, (now.getTime() - h.lastGoodAt.getTime()) / 1000));
    if (h.lastGoodDurationMs != null) snapDuration.labels(h.tenantId).set(h.lastGoodDurationMs / 1000);
    if (h.repositoryBytes != null) snapRepo.labels(h.tenantId).set(h.repositoryBytes);
    snapFailures.labels(h.tenantId).set(h.failuresSinceGood);
  }
  const merged = Registry.merge([appMetrics().registry, fleet]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
