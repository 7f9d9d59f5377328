// The node:http fast path for Bearer /proxy/* requests: a real server standing in for Next, a real
// supervised tenant, real Postgres and a real CLI access token (issue 4's token store).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import net, { type AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { memberships, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { getTenantRoute, requestTenantStop, type TenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';
import { serveFastPath } from '../../lib/tenants/tenant-proxy-fast-path.ts';
import { installNodeRequestHook } from '../../lib/http/node-request-hook.ts';
import { clientIpFromHeaders } from '../../lib/auth/request-info.ts';
import { tenantDirs } from '../../lib/tenants/local-driver.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

function raw(port: number, method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathAndQuery, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('tenant proxy fast path (postgres, real tenant)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  let sup: ReturnType<typeof makeSupervisor>;
  let server: http.Server;
  let port: number;
  let uninstall: () => void;
  let T: string;
  let token: string;
  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'fast');
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'fast', email: 'fast@example.test' }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: T, role: 'owner' });
    const now = new Date();
    const s = await insertCliSession(h.db, { userId: u!.id, tenantId: T, clientId: 'bmc-cli', scope: 'openid offline_access' });
    token = randomToken(ACCESS_TOKEN_PREFIX);
    await insertAccessToken(h.db, hashSecret(token), s.id, new Date(now.getTime() + 3600_000), now);
    sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'fast-test' });
    sup.start();
    await waitFor('running', async () => (await tenantState(h.db, T)).tenant.status === 'running', 90_000);
    uninstall = installNodeRequestHook({ fastPath: {
      db: async () => h.db,
      deps: async () => ({
        getRoute: (id) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: 'http://app.test',
        subscribeUrl: 'https://x.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 10_000,
      }),
    } });
    // Stands in for Next: anything the fast path does not take answers 418, with the client address a
    // route handler would read (the hook's peer stamp).
    server = http.createServer((req, res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') h.set(k, v);
      res.writeHead(418, { 'content-type': 'text/plain', 'x-seen-client-ip': String(clientIpFromHeaders(h, 0)) });
      res.end('next');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => { uninstall(); server.closeAllConnections(); server.close(); await sup.stop(); await h.close(); dirs.cleanup(); });

  test('Bearer requests are served with the same rules; everything else falls through to Next', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const list = await raw(port, 'GET', '/proxy/projects/projects', auth);
    assert.equal(list.status, 200, list.body);
    assert.equal(list.headers['x-tenant-proxy'], 'fast-path');
    assert.deepEqual(JSON.parse(list.body).projects.map((p: { name: string }) => p.name), ['main']);
    const created = await raw(port, 'POST', '/proxy/projects/projects', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ name: 'fast-notes', path: 'fast-notes', set_default: false }));
    assert.equal(created.status, 201, created.body);
    assert.equal((await raw(port, 'GET', '/proxy/health', auth)).status, 200);

    // No Authorization (browser cookie) → Next's route handler; other paths untouched.
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', { cookie: 'next-auth.session-token=x' })).status, 418);
    assert.equal((await raw(port, 'GET', '/api/health', auth)).status, 418);
    assert.equal((await raw(port, 'GET', '/proxyx/a', auth)).status, 418);
    // Dot-segments in any form are refused at this layer for cookie requests too (Next would resolve them
    // before the route handler could see them).
    for (const p of ['/proxy/main/../projects/projects', '/proxy/./projects/projects', '/proxy/main/%2e%2e/projects/projects', '/proxy/..']) {
      const r = await raw(port, 'GET', p, { cookie: 'next-auth.session-token=x' });
      assert.equal(r.status, 400, p);
      assert.deepEqual(JSON.parse(r.body), { detail: 'Invalid path.' });
    }
    // Whatever reaches Next carries the socket peer, stamped by the hook: a client's X-Forwarded-For or its
    // own copy of the stamp header changes nothing.
    const seen = await raw(port, 'GET', '/api/me', { 'x-forwarded-for': '203.0.113.7', 'x-bmc-peer-ip': '203.0.113.8 forged' });
    assert.equal(seen.headers['x-seen-client-ip'], '127.0.0.1');

    // Bad credentials: the guard's uniform 401 JSON.
    const bad = await raw(port, 'GET', '/proxy/projects/projects', { authorization: 'Bearer bmat_nope' });
    assert.equal(bad.status, 401);
    assert.ok(JSON.parse(bad.body).detail);
    assert.match(String(bad.headers['www-authenticate']), /Bearer/);
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', { authorization: 'Basic abc' })).status, 401);

    // The raw request line is validated before any URL normalisation.
    for (const p of ['/proxy/main/../../etc/passwd', '/proxy/main/resource/..%2f..%2fx', '/proxy/main/%252e%252e/x', '/proxy/main\\..\\x', '/proxy//x']) {
      const r = await raw(port, 'GET', p, auth);
      assert.equal(r.status, 400, p);
    }
    // Spoofed routing headers change nothing.
    const spoof = await raw(port, 'GET', '/proxy/projects/projects', { ...auth, host: 'evil.example', 'x-forwarded-host': 'evil', 'x-bm-tenant-id': '00000000-0000-4000-8000-000000000000' });
    assert.ok(JSON.parse(spoof.body).projects.some((p: { name: string }) => p.name === 'fast-notes'));
  });

  test('a POST with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3) and is forwarded as such', async () => {
    // Written by hand: node's client would add a Content-Length itself.
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.write(`POST /proxy/main/project/sync?run_in_background=false HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      sock.on('data', (c) => { text += c.toString('utf8'); });
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 200 /, answer.slice(0, 300));
    assert.match(answer, /"total":\s*\d+/);
  });

  test('a 50 MB download streams through; an inactive tenant answers 403 subscription_required', async () => {
    const dir = path.join(tenantDirs(dirs, T).dataDir, 'main');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(50 << 20, 3));
    const r = await raw(port, 'GET', '/proxy/main/resource/big.bin', { authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 50 << 20);

    await requestTenantStop(h.db, T);
    await waitFor('stopped', async () => (await tenantState(h.db, T)).tenant.status === 'stopped');
    const s = await raw(port, 'GET', '/proxy/health', { authorization: `Bearer ${token}` });
    assert.equal(s.status, 403);
    assert.equal(JSON.parse(s.body).detail.error, 'subscription_required');
  });
});

// After the describe above has uninstalled its global hook: this server calls serveFastPath itself.
describe('tenant proxy fast path: a 50 MB upload streams (postgres, loopback upstream)', () => {
  let h: TestDatabase;
  let app: http.Server;
  let upstream: http.Server;
  let appPort: number;
  let token: string;
  let T: string;
  let received = 0;
  let firstMb: () => void = () => {};
  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'upload');
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'upload', email: 'upload@example.test' }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: T, role: 'owner' });
    const s = await insertCliSession(h.db, { userId: u!.id, tenantId: T, clientId: 'bmc-cli', scope: 'openid offline_access' });
    token = randomToken(ACCESS_TOKEN_PREFIX);
    await insertAccessToken(h.db, hashSecret(token), s.id, new Date(Date.now() + 3600_000), new Date());
    // The tenant stand-in counts the bytes as they arrive.
    upstream = http.createServer((req, res) => {
      req.on('data', (c: Buffer) => { received += c.length; if (received >= 1 << 20) firstMb(); });
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ bytes: received, url: req.url })); });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const route: TenantRoute = {
      tenantId: T, bucketName: 'b', status: 'running', statusDetail: null, statusChangedAt: new Date(), desiredState: 'running',
      baseUrl: `http://127.0.0.1:${upstreamPort}`, nextRestartAt: null,
    };
    app = http.createServer((req, res) => {
      void serveFastPath(req, res, {
        db: async () => h.db,
        deps: async () => ({ getRoute: async (id) => (id === T ? route : null), authSecret: AUTH_SECRET, appOrigin: 'http://app.test', subscribeUrl: 'https://x.test', connectTimeoutMs: 2000, idleTimeoutMs: 30_000 }),
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
  });
  after(async () => { app.closeAllConnections(); app.close(); upstream.closeAllConnections(); upstream.close(); await h.close(); });

  test('the client produces its 11th MB only after the tenant received the first: nothing holds the body whole', async () => {
    const MB = 50;
    received = 0;
    const arrived = new Promise<void>((r) => { firstMb = r; });
    let produced = 0;
    let buffered = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        if (produced === 10) {
          // A proxy that buffered the body would wait for all 50 MB and never forward the first.
          const t = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
          if ((await Promise.race([arrived, t])) === 'timeout') { buffered = true; ctrl.error(new Error('buffered')); return; }
        }
        if (produced === MB) { ctrl.close(); return; }
        produced++;
        ctrl.enqueue(new Uint8Array(1 << 20).fill(produced));
      },
    });
    const res = await fetch(`http://127.0.0.1:${appPort}/proxy/upload/big.bin`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body, duplex: 'half',
    } as RequestInit).catch((err) => { throw buffered ? new Error('BUFFERED: no byte reached the tenant before the client had produced 10 MB') : err; });
    assert.equal(buffered, false);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-tenant-proxy'), 'fast-path');
    assert.deepEqual(await res.json(), { bytes: MB << 20, url: '/upload/big.bin' });
    assert.equal(produced, MB);
  });
});
