// One simulated host of the two-host simulation (scripts/two-host-sim.ts): the control plane's runtime parts as
// the app runs them (services.ts) — tenant supervisor with its lease, sync-run collector, the tenant proxy with its
// wake path — plus a plain HTTP front (`/proxy/*`, the tenant named by `x-sim-tenant`; a stand-in for the
// authenticated principal, which this simulation does not exercise) on SIM_ADDR:SIM_PORT. Tenants listen on
// SIM_ADDR, so the other host's proxy reaches them over the simulated network.
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase } from '../lib/db/client.ts';
import { getTenantRoute } from '../lib/db/queries/tenants-runtime.ts';
import { LocalTenantDriver } from '../lib/tenants/local-driver.ts';
import { setSupervisorNudge, wakeTenant } from '../lib/tenants/proxy-deps.ts';
import { SyncCollector } from '../lib/tenants/sync-collector.ts';
import { proxyToTenant, type TenantProxyDeps } from '../lib/tenants/tenant-proxy.ts';
import { TenantSupervisor } from '../lib/tenants/tenant-supervisor.ts';

const need = (k: string) => { const v = process.env[k]; if (!v) throw new Error(`${k} is required`); return v; };
const addr = need('SIM_ADDR');
const port = Number(need('SIM_PORT'));
const leaseTtlMs = Number(process.env.SIM_LEASE_TTL_MS ?? 5000);
const authSecret = need('SIM_AUTH_SECRET');
const { db } = await openDatabase({ url: need('DATABASE_URL'), max: 5 });
const driver = new LocalTenantDriver({
  dataRoot: need('SIM_DATA_ROOT'), indexRoot: need('SIM_INDEX_ROOT'), host: addr, entry: path.resolve(import.meta.dirname, '../tenant/src/main.ts'),
  syncIntervalS: 30, startTimeoutMs: 120_000, env: { BM_LOG_LEVEL: 'warn' },
});
const supervisor = new TenantSupervisor({
  db, driver, authSecret,
  settings: {
    leaseTtlMs, tickMs: 500, healthIntervalMs: 1000, healthTimeoutMs: 2000, degradedAfterMs: 30_000, backoffBaseMs: 500,
    backoffMaxMs: 5000, maxCrashes: 5, crashWindowMs: 600_000, maxTenantsPerInstance: Number(process.env.SIM_MAX_TENANTS ?? 0), idleStopMs: 0,
  },
  log: (level, msg, fields) => console.error(JSON.stringify({ level, msg, ...fields })),
});
const collector = new SyncCollector({ db, authSecret, intervalMs: 5000, concurrency: 4, onlyHeldBy: supervisor.holderId });
setSupervisorNudge((id) => supervisor.wake(id));
const deps: TenantProxyDeps = {
  getRoute: (id) => getTenantRoute(db, id), authSecret, appOrigin: `http://${addr}:${port}`, subscribeUrl: 'https://example.test/subscribe',
  connectTimeoutMs: 2000, idleTimeoutMs: 30_000, wake: (id) => wakeTenant(db, id, 30_000),
};

http.createServer((req, res) => {
  if (req.url === '/sim/status') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ holder: supervisor.holderId, running: supervisor.runningTenants() }));
    return;
  }
  const tenantId = String(req.headers['x-sim-tenant'] ?? '');
  void proxyToTenant({ method: req.method ?? 'GET', rawUrl: req.url ?? '/', headers: req.headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req, forServer: true },
    { tenantId, via: 'bearer' }, deps)
    .then((a) => {
      res.writeHead(a.status, a.headers);
      if (a.body == null) res.end();
      else if (typeof a.body === 'string') res.end(a.body);
      else (a.body as Readable).pipe(res);
    })
    .catch((err) => { res.statusCode = 500; res.end(JSON.stringify({ detail: String((err as Error).message) })); });
}).listen(port, addr, () => console.log(JSON.stringify({ event: 'listening', holder: supervisor.holderId })));
supervisor.start();
collector.start();
