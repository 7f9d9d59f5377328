// The control plane's Prometheus metrics (prom-client), one registry per process, memoized on
// globalThis so the Next bundles and the node:http fast path share it. Counters that change per
// event (proxy requests, collected runs, rebuild durations) live here; fleet state that Postgres
// already holds (tenants by status, collector lag) is read at scrape time (lib/metrics/scrape.ts).
import { Counter, Histogram, Registry } from 'prom-client';

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export interface AppMetrics {
  registry: Registry;
  proxyRequests: Counter<'status_class'>;
  proxyDuration: Histogram<'status_class'>;
  syncRuns: Counter<'scan_type'>;
  syncRunFailures: Counter<'scan_type'>;
  rebuildDuration: Histogram<never>;
  /** Pre-bound children per status class: the proxy's hot path does no label lookups. */
  proxyChildren: Array<{ requests: ReturnType<Counter<'status_class'>['labels']>; duration: ReturnType<Histogram<'status_class'>['labels']> }>;
}

const KEY = Symbol.for('bmc.metrics');
type Holder = { [KEY]?: AppMetrics };

export function appMetrics(): AppMetrics {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY];
  const registry = new Registry();
  const proxyRequests = new Counter({
    name: 'bmc_tenant_proxy_requests_total', help: 'Requests answered by the tenant proxy (/proxy/*), by status class.',
    labelNames: ['status_class'] as const, registers: [registry],
  });
  const proxyDuration = new Histogram({
    name: 'bmc_tenant_proxy_request_duration_seconds', help: 'Time from the proxy taking a request to its answer head (status and headers), by status class.',
    labelNames: ['status_class'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const syncRuns = new Counter({
    name: 'bmc_sync_runs_total', help: 'Sync runs and rebuilds collected from tenants by this instance, by scan type (rebuilds: rebuild).',
    labelNames: ['scan_type'] as const, registers: [registry],
  });
  const syncRunFailures = new Counter({
    name: 'bmc_sync_run_failures_total', help: 'Collected sync runs and rebuilds that failed, by scan type.',
    labelNames: ['scan_type'] as const, registers: [registry],
  });
  const rebuildDuration = new Histogram({
    name: 'bmc_tenant_rebuild_duration_seconds', help: 'Duration of collected index rebuilds.',
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800], registers: [registry],
  });
  const proxyChildren = STATUS_CLASSES.map((c) => ({ requests: proxyRequests.labels(c), duration: proxyDuration.labels(c) }));
  return (g[KEY] = { registry, proxyRequests, proxyDuration, syncRuns, syncRunFailures, rebuildDuration, proxyChildren });
}

/** One proxy answer: status and seconds since the request was taken. */
export function recordProxyAnswer(status: number, seconds: number): void {
  const i = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
  const c = appMetrics().proxyChildren[i]!;
  c.requests.inc();
  c.duration.observe(seconds);
}

/** Runs this instance counted into the history store. */
export function recordCollectedRuns(runs: Array<{ scanType: string; failed: boolean; rebuildMs?: number }>): void {
  const m = appMetrics();
  for (const r of runs) {
    m.syncRuns.labels(r.scanType).inc();
    if (r.failed) m.syncRunFailures.labels(r.scanType).inc();
    if (r.rebuildMs != null) m.rebuildDuration.observe(r.rebuildMs / 1000);
  }
}
