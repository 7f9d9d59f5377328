// A kept-alive socket the tenant closes just as the proxy reuses it: a read goes once more on a fresh connection
// (the tenant never saw it) and succeeds; a write is not replayed and answers 502 naming the socket error. The
// "tenant" is a real node:http server that resets every second request arriving on one connection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tenantCall } from '../../lib/tenants/tenant-call.ts';
import type { TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';

describe('tenant proxy: a reused socket reset under a request', () => {
  let server: http.Server;
  let deps: TenantProxyDeps;
  const seen: string[] = [];
  let connections = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      const n = ((req.socket as unknown as { served?: number }).served = ((req.socket as unknown as { served?: number }).served ?? 0) + 1);
      // The second request on a connection finds it closing (a keep-alive timeout racing the reuse).
      if (n === 2) { req.socket.destroy(); return; }
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ ok: true })); });
    });
    server.on('connection', () => { connections++; });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    deps = {
      getRoute: async (tenantId) => ({ tenantId, bucketName: 'b', status: 'running', statusDetail: null, statusChangedAt: new Date(), desiredState: 'running', baseUrl, nextRestartAt: null }),
      authSecret: 'stale-socket-secret-' + 'x'.repeat(32), appOrigin: 'http://localhost:5399', subscribeUrl: 'https://example.test/subscribe',
      connectTimeoutMs: 2000, idleTimeoutMs: 5000,
      agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    };
  });
  after(async () => { deps.agent?.destroy(); server.closeAllConnections(); await new Promise((r) => server.close(r)); });

  test('a read (GET, and a read-only POST such as search) is sent again on a fresh connection', async () => {
    const first = await tenantCall('t1', 'GET', '/main/resource/a.md', { deps });
    assert.equal(first.status, 200);
    const before = connections;
    const second = await tenantCall('t1', 'GET', '/main/resource/b.md', { deps });
    assert.equal(second.status, 200, second.body.toString());
    assert.equal(connections, before + 1, 'the retry opened a new connection');
    assert.ok(seen.includes('GET /main/resource/b.md'));
    // the fresh socket now serves one request, then the next one is reset on it: a search POST with a body
    const search = await tenantCall('t1', 'POST', '/v2/projects/p/search/?page=1', { deps, json: { text: 'okapi' } });
    assert.equal(search.status, 200, search.body.toString());
  });

  test('a write is not replayed: 502 naming the error', async () => {
    // put a request on the fresh connection first so the write is its second
    await tenantCall('t1', 'GET', '/main/resource/c.md', { deps });
    seen.length = 0;
    const w = await tenantCall('t1', 'POST', '/v2/projects/p/knowledge/entities', { deps, json: { title: 'x' } });
    assert.equal(w.status, 502);
    assert.match(w.body.toString(), /ECONNRESET|socket hang up/);
    assert.deepEqual(seen, [], 'the write reached the tenant at most once (here: never)');
  });
});
