// Snapshot counters of this process (runs by kind and status), on the app's metrics registry. The per-tenant
// health gauges (last good snapshot, age, size, failures) are read from Postgres at scrape time (metrics/scrape.ts).
import { Counter } from 'prom-client';
import { appMetrics } from '../metrics/registry.ts';

const KEY = Symbol.for('bmc.snapshotMetrics');
type Holder = { [KEY]?: Counter<'kind' | 'status'> };

function runs(): Counter<'kind' | 'status'> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new Counter({
    name: 'bmc_snapshot_runs_total', help: 'Snapshot runs this instance asked tenants for, by kind and outcome.',
    labelNames: ['kind', 'status'] as const, registers: [appMetrics().registry],
  }));
}

export function recordSnapshotRun(kind: 'scheduled' | 'manual', status: 'succeeded' | 'failed'): void {
  runs().labels(kind, status).inc();
}
