// GET /metrics: who may read it, and what it says (real Postgres).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { tenants, tenantSyncCursors } from '../../lib/db/schema.ts';
import { metricsAllowed, renderMetrics } from '../../lib/metrics/scrape.ts';
import { recordCollectedRuns, recordProxyAnswer } from '../../lib/metrics/registry.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

test('access: the bearer token when set (nothing else, not even loopback); loopback only when unset', () => {
  assert.equal(metricsAllowed(`Bearer ${TOKEN}`, '203.0.113.9', TOKEN), true);
  assert.equal(metricsAllowed(null, '127.0.0.1', TOKEN), false);
  assert.equal(metricsAllowed('Bearer wrong-token-0123456789', '127.0.0.1', TOKEN), false);
  assert.equal(metricsAllowed(`Basic ${TOKEN}`, '127.0.0.1', TOKEN), false);
  assert.equal(metricsAllowed(null, '127.0.0.1', null), true);
  assert.equal(metricsAllowed(null, '::1', null), true);
  assert.equal(metricsAllowed(null, '203.0.113.9', null), false);
  assert.equal(metricsAllowed(null, null, null), false);
  assert.equal(metricsAllowed(`Bearer ${TOKEN}`, '203.0.113.9', null), false);
});

test('tenants by status, collector lag per tenant, proxy requests by status class, collected runs and rebuilds', async () => {
  const h = await freshDatabase('postgres');
  try {
    const a = await createTenantRow(h.db, 'ma');
    const b = await createTenantRow(h.db, 'mb');
    const c = await createTenantRow(h.db, 'mc');
    await h.db.update(tenants).set({ status: 'sleeping' }).where(eq(tenants.id, c));
    await h.db.update(tenants).set({ status: 'running' }).where(eq(tenants.id, a));
    await h.db.update(tenants).set({ status: 'failed' }).where(eq(tenants.id, b));
    const now = new Date();
    await h.db.insert(tenantSyncCursors).values({ tenantId: a, cursor: 'x.1', lastCollectedAt: new Date(now.getTime() - 42_000) });
    recordProxyAnswer(200, 0.003);
    recordProxyAnswer(503, 0.001);
    recordProxyAnswer(404, 0.002);
    recordCollectedRuns([{ scanType: 'incremental', failed: false }, { scanType: 'incremental', failed: true }, { scanType: 'rebuild', failed: false, rebuildMs: 2500 }]);
    const { body, contentType } = await renderMetrics(h.db, now);
    assert.match(contentType, /^text\/plain/);
    const value = (line: string) => {
      const m = body.split('\n').find((l) => l.startsWith(line + ' '));
      assert.ok(m, `missing ${line}\n${body}`);
      return Number(m.slice(line.length + 1));
    };
    assert.equal(value('bmc_tenants{status="running"}'), 1);
    assert.equal(value('bmc_tenants{status="failed"}'), 1);
    assert.equal(value('bmc_tenants{status="stopped"}'), 0);
    assert.equal(value('bmc_tenants{status="sleeping"}'), 1);
    // Asleep, the collector cannot hear from it: no lag series that would only grow.
    assert.ok(!body.includes(`bmc_sync_collector_lag_seconds{tenant_id="${c}"}`));
    assert.ok(Math.abs(value(`bmc_sync_collector_lag_seconds{tenant_id="${a}"}`) - 42) < 0.01);
    assert.ok(value(`bmc_sync_collector_lag_seconds{tenant_id="${b}"}`) >= 0, 'never heard from: lag since creation');
    assert.ok(value('bmc_tenant_proxy_requests_total{status_class="2xx"}') >= 1);
    assert.ok(value('bmc_tenant_proxy_requests_total{status_class="5xx"}') >= 1);
    assert.ok(value('bmc_tenant_proxy_request_duration_seconds_count{status_class="4xx"}') >= 1);
    assert.ok(value('bmc_sync_runs_total{scan_type="incremental"}') >= 2);
    assert.ok(value('bmc_sync_run_failures_total{scan_type="incremental"}') >= 1);
    assert.ok(value('bmc_tenant_rebuild_duration_seconds_count') >= 1);
    assert.ok(value('bmc_tenant_rebuild_duration_seconds_bucket{le="5"}') >= 1);
  } finally {
    await h.close();
  }
});
