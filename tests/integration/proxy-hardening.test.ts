// The tenant proxy only reaches tenants: a route read from the database is connected to only when
// its address is on the allow-list (tampered rows → 502, nothing connected); answers are private,
// no-store unless the tenant says otherwise; control characters in the path are refused; whole
// answers over the size limit are refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { tenantEndpoints, tenants } from '../../lib/db/schema.ts';
import { handleTenantProxy, proxyToTenant, tenantPathFromRawUrl, writeAnswer, type TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { buildAllowList, ephemeralPortRange, isAllowedTenantAddress, parsePortRanges } from '../../lib/tenants/tenant-address.ts';
import { buildTenantsConfig, tenantsEnvSchema } from '../../lib/config/tenants.ts';

const APP = 'http://localhost:5398';

/** A loopback server that counts connections and answers with what `answer` says. */
async function server(host: string, answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  let connections = 0;
  const s = http.createServer(answer);
  s.on('connection', () => { connections++; });
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  return { port: (s.address() as AddressInfo).port, connections: () => connections, close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }) };
}

describe('tenant proxy: only allowed addresses, safe answers (postgres)', () => {
  let h: TestDatabase;
  let tenantId: string;
  let tenant: Awaited<ReturnType<typeof server>>;
  let decoy: Awaited<ReturnType<typeof server>>;
  let decoyLoopback: Awaited<ReturnType<typeof server>>;
  const refused: string[] = [];
  let allowList: ReturnType<typeof buildAllowList>;

  before(async () => {
    h = await freshDatabase('postgres');
    tenantId = await createTenantRow(h.db, 'hard');
    tenant = await server('127.0.0.1', (req, res) => {
      const u = req.url ?? '';
      if (u.startsWith('/cached')) { res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' }); res.end('ok'); return; }
      if (u.startsWith('/chunked')) { res.writeHead(200, { 'content-type': 'application/octet-stream' }); for (let i = 0; i < 10; i++) res.write(Buffer.alloc(500, 97)); res.end(); return; }
      if (u.startsWith('/endless')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(Buffer.alloc(1024, 98)), 2);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (u.startsWith('/big')) { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '5000' }); res.end(Buffer.alloc(5000)); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: u }));
    });
    // Another service on another loopback address (same port range), and one on 127.0.0.1 outside the range.
    decoy = await server('127.0.0.2', (_req, res) => { res.end('decoy'); });
    decoyLoopback = await server('127.0.0.1', (_req, res) => { res.end('decoy'); });
    await h.db.update(tenants).set({ status: 'running' }).where(eq(tenants.id, tenantId));
    await h.db.insert(tenantEndpoints).values({ tenantId, host: '127.0.0.1', port: tenant.port });
    // What the driver hands out: 127.0.0.1 and a range holding the tenant's port but not the decoy's.
    allowList = buildAllowList(['127.0.0.1'], [{ low: tenant.port, high: tenant.port }]);
  });
  after(async () => { await tenant?.close(); await decoy?.close(); await decoyLoopback?.close(); await h?.close(); });

  const deps = (over: Partial<TenantProxyDeps> = {}): TenantProxyDeps => ({
    getRoute: (id) => getTenantRoute(h.db, id), authSecret: 'x'.repeat(40), appOrigin: APP, subscribeUrl: 'https://x.test',
    connectTimeoutMs: 2000, idleTimeoutMs: 10_000, allowList, maxResponseBytes: 4096,
    onRefusedAddress: (_t, host, port) => refused.push(`${host}:${port}`), ...over,
  });
  const get = (path: string, d = deps()) => handleTenantProxy(new Request(APP + path), { tenantId, via: 'bearer' }, d);

  test('the legitimate address is reached', async () => {
    const r = await get('/proxy/v2/projects/');
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { path: '/v2/projects/' });
  });

  test('a tampered tenant_endpoints row (other host, other port, a name) → 502, nothing connected', async () => {
    const tampered: Array<{ host: string; port: number }> = [
      { host: '127.0.0.2', port: decoy.port },       // another address
      { host: '127.0.0.1', port: decoyLoopback.port }, // another port on the right host
      { host: '127.0.0.1', port: 5432 },               // the database
      { host: 'localhost.example', port: tenant.port },
      { host: '0.0.0.0', port: tenant.port },
    ];
    for (const t of tampered) {
      await h.db.update(tenantEndpoints).set(t).where(eq(tenantEndpoints.tenantId, tenantId));
      const before = [decoy.connections(), decoyLoopback.connections()];
      const r = await get('/proxy/v2/projects/');
      assert.equal(r.status, 502, `${t.host}:${t.port}`);
      assert.equal((await r.json()).detail.error, 'tenant_address_refused');
      assert.deepEqual([decoy.connections(), decoyLoopback.connections()], before, `${t.host}:${t.port}: nothing connected`);
    }
    assert.equal(refused.length, tampered.length, 'each refusal reported (log alert in the app)');
    await h.db.update(tenantEndpoints).set({ host: '127.0.0.1', port: tenant.port }).where(eq(tenantEndpoints.tenantId, tenantId));
    assert.equal((await get('/proxy/v2/projects/')).status, 200);
  });

  test("the app's settings: allowed hosts/ports default to TENANT_HOST and TENANT_PORT_RANGE (else the OS ephemeral range)", () => {
    const cfg = (env: Record<string, string>) => buildTenantsConfig(tenantsEnvSchema.parse(env), { dataDir: '/tmp/x' } as never);
    const dflt = cfg({}).proxyAllowList;
    const eph = ephemeralPortRange();
    assert.ok(isAllowedTenantAddress(dflt, '127.0.0.1', eph.low));
    assert.ok(!isAllowedTenantAddress(dflt, '127.0.0.2', eph.low));
    assert.ok(!isAllowedTenantAddress(dflt, '127.0.0.1', 5432), 'the database port is not a tenant port');
    const ranged = cfg({ TENANT_HOST: '10.0.0.5', TENANT_PORT_RANGE: '21000-21999' }).proxyAllowList;
    assert.ok(isAllowedTenantAddress(ranged, '10.0.0.5', 21500));
    assert.ok(!isAllowedTenantAddress(ranged, '10.0.0.5', 22000));
    assert.ok(!isAllowedTenantAddress(ranged, '127.0.0.1', 21500));
    const explicit = cfg({ TENANT_PROXY_ALLOWED_HOSTS: '10.0.0.5, 10.0.0.6', TENANT_PROXY_ALLOWED_PORTS: '21000-21001,30000' }).proxyAllowList;
    assert.ok(isAllowedTenantAddress(explicit, '10.0.0.6', 30000));
    assert.ok(!isAllowedTenantAddress(explicit, '10.0.0.6', 21002));
    assert.throws(() => parsePortRanges('70000'));
    assert.throws(() => tenantsEnvSchema.parse({ TENANT_PROXY_ALLOWED_PORTS: 'all' }));
  });

  test('answers are Cache-Control: private, no-store unless the tenant set one', async () => {
    const r = await get('/proxy/v2/projects/');
    assert.equal(r.headers.get('cache-control'), 'private, no-store');
    const c = await get('/proxy/cached');
    assert.equal(c.headers.get('cache-control'), 'max-age=60', "the tenant's own is kept");
    await c.text();
  });

  test('control characters in the path are refused (400), in any encoding, and never reach the tenant', async () => {
    const bad = ['/proxy/p/a%0ab', '/proxy/p/a%0d%0aX-Injected:%201', '/proxy/p/%7f', '/proxy/p/%250a', '/proxy/p/a%09b', '/proxy/p/%1b[31m', '/proxy/p/x?q=%00'.replace('%00', '\u0001')];
    for (const u of bad) assert.equal(tenantPathFromRawUrl(APP + u), null, u);
    const before = tenant.connections();
    for (const u of ['/proxy/p/a%0ab', '/proxy/p/%7f', '/proxy/p/%250d']) {
      const r = await get(u);
      assert.equal(r.status, 400, u);
      assert.equal(typeof (await r.json()).detail, 'string');
    }
    assert.equal(tenant.connections(), before, 'nothing forwarded');
    assert.ok(tenantPathFromRawUrl(APP + '/proxy/p/a%20b.md'), 'spaces (encoded) stay allowed');
  });

  test('a whole answer larger than the limit is refused with 502 before any byte is passed on', async () => {
    const r = await get('/proxy/big');
    assert.equal(r.status, 502);
    assert.equal((await r.json()).detail.error, 'tenant_response_too_large');
    const ok = await get('/proxy/big', deps({ maxResponseBytes: 10_000 }));
    assert.equal(ok.status, 200);
    assert.equal((await ok.arrayBuffer()).byteLength, 5000);
  });

  test('an answer without Content-Length (chunked) is cut off at the limit as it streams, on the route handler and the node:http path', async () => {
    // Route handler (web Response): the body errors instead of ending, so it never passes for a whole answer.
    for (const path of ['/proxy/chunked', '/proxy/endless']) {
      const r = await get(path);
      assert.equal(r.status, 200);
      await assert.rejects(r.arrayBuffer(), `${path}: cut off`);
    }
    const ok = await get('/proxy/chunked', deps({ maxResponseBytes: 10_000 }));
    assert.equal((await ok.arrayBuffer()).byteLength, 5000, 'under the limit: whole');
    // node:http (the fast path's writeAnswer): the connection ends early, with at most the limit passed on.
    const front = http.createServer(async (req, res) => {
      const a = await proxyToTenant({ method: 'GET', rawUrl: req.url!, headers: {}, body: null }, { tenantId, via: 'bearer' }, deps());
      await writeAnswer(res, a);
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    try {
      for (const path of ['/proxy/chunked', '/proxy/endless']) {
        const got = await new Promise<{ bytes: number; complete: boolean }>((resolve) => {
          http.get({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, path }, (res) => {
            let bytes = 0;
            res.on('data', (c: Buffer) => { bytes += c.length; });
            res.on('end', () => resolve({ bytes, complete: res.complete }));
            res.on('error', () => resolve({ bytes, complete: false }));
            res.on('aborted', () => resolve({ bytes, complete: false }));
          }).on('error', () => resolve({ bytes: 0, complete: false }));
        });
        assert.equal(got.complete, false, `${path}: the client sees an unfinished answer`);
        assert.ok(got.bytes <= 4096, `${path}: ${got.bytes} bytes passed on`);
      }
    } finally {
      front.closeAllConnections();
      await new Promise<void>((r) => front.close(() => r()));
    }
  });
});
