// The tenant proxy core against real tenant API processes (supervised, real Postgres) and, for wire
// details a tenant cannot show (header hygiene, redirects, timeouts, streaming), real loopback servers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { getTenantRoute, requestTenantStart, requestTenantStop, type TenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { handleTenantProxy, tenantPathFromRawUrl, type TenantProxyCaller, type TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { deriveTenantSecret } from '../../lib/tenants/tenant-credential.ts';
import { verifyRequest } from '../../tenant/src/auth/request-signature.ts';
import { tenantDirs } from '../../lib/tenants/local-driver.ts';
import { and, eq } from 'drizzle-orm';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { memberships, syncRuns, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';
import { resolvePrincipalWith } from '../../lib/auth/principal.ts';
import { mountInfo } from '../../app/tenant/mount/info/mount-info.ts';
import { SyncCollector } from '../../lib/tenants/sync-collector.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

const APP = 'http://localhost:5399';

describe('tenant path validation (raw URL)', () => {
  const bad = [
    '/proxy/p/resource/../x', '/proxy/p/resource/..%2fetc%2fpasswd', '/proxy/p/resource/%2e%2e/x', '/proxy/p/resource/%2E%2e/x',
    '/proxy/p/resource/%252e%252e/x', '/proxy/p/resource/%25252e%25252e/x', '/proxy/p/resource/..%5cx', '/proxy/p\\..\\x',
    '/proxy/p/resource/%5c..%5cx', '/proxy//etc/passwd', '/proxy/p//x', '/proxy/p/%00', '/proxy/p/a%2Fb', '/proxy/./x', '/proxy/p/.',
    '/proxy/p/%E0%A4%A', '/proxy/', '/proxy', '/proxyx/y', '/api/x',
  ];
  for (const u of bad) test(`refuses ${u}`, () => assert.equal(tenantPathFromRawUrl(`${APP}${u}`), null));
  test('keeps good paths and queries exactly as sent', () => {
    assert.deepEqual(tenantPathFromRawUrl(`${APP}/proxy/projects/projects`), { path: '/projects/projects', search: '' });
    assert.deepEqual(tenantPathFromRawUrl(`${APP}/proxy/my-notes/project/sync?force_full=true`), { path: '/my-notes/project/sync', search: '?force_full=true' });
    assert.deepEqual(tenantPathFromRawUrl(`${APP}/proxy/p/resource/a%20b.md`), { path: '/p/resource/a%20b.md', search: '' });
    assert.deepEqual(tenantPathFromRawUrl(`${APP}/proxy/v2/projects/`), { path: '/v2/projects/', search: '' });
    assert.deepEqual(tenantPathFromRawUrl('/proxy/health?x=1#frag'), { path: '/health', search: '?x=1' });
  });
});

function deps(db: TestDatabase['db'], over: Partial<TenantProxyDeps> = {}): TenantProxyDeps {
  return {
    getRoute: (id) => getTenantRoute(db, id), authSecret: AUTH_SECRET, appOrigin: APP,
    subscribeUrl: 'https://example.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 10_000, ...over,
  };
}

function call(d: TenantProxyDeps, caller: TenantProxyCaller, method: string, pathAndQuery: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return handleTenantProxy(new Request(APP + pathAndQuery, { method, ...init, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit), caller, d);
}

describe('tenant proxy to real tenant APIs (postgres)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  let sup: ReturnType<typeof makeSupervisor>;
  let A: string;
  let B: string;
  before(async () => {
    h = await freshDatabase('postgres');
    A = await createTenantRow(h.db, 'alice');
    B = await createTenantRow(h.db, 'bob');
    sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'proxy-test', settings: { backoffBaseMs: 1500 } });
    sup.start();
    for (const id of [A, B]) await waitFor('running', async () => (await tenantState(h.db, id)).tenant.status === 'running', 90_000);
  });
  after(async () => { await sup.stop(); await h.close(); dirs.cleanup(); });

  test('projects, notes, sync and search through the proxy; each caller reaches only their own tenant', async () => {
    const d = deps(h.db);
    const alice: TenantProxyCaller = { tenantId: A, via: 'bearer' };
    const aliceBrowser: TenantProxyCaller = { tenantId: A, via: 'session' };
    const bob: TenantProxyCaller = { tenantId: B, via: 'bearer' };
    const json = { 'content-type': 'application/json' };

    const health = await call(d, alice, 'GET', '/proxy/health');
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, 'ok');

    // Cookie-authenticated unsafe methods need our Origin.
    const body = JSON.stringify({ name: 'alice-notes', path: 'alice-notes', set_default: false });
    assert.equal((await call(d, aliceBrowser, 'POST', '/proxy/projects/projects', { headers: json, body })).status, 403);
    assert.equal((await call(d, aliceBrowser, 'POST', '/proxy/projects/projects', { headers: { ...json, origin: 'https://evil.test' }, body })).status, 403);
    const created = await call(d, aliceBrowser, 'POST', '/proxy/projects/projects', { headers: { ...json, origin: APP }, body });
    assert.equal(created.status, 201);
    assert.equal((await created.json()).new_project.name, 'alice-notes');
    // Bearer callers need no Origin.
    const created2 = await call(d, bob, 'POST', '/proxy/projects/projects', { headers: json, body: JSON.stringify({ name: 'bob-notes', path: 'bob-notes', set_default: false }) });
    assert.equal(created2.status, 201);

    // Write a note, sync, search it.
    const note = await call(d, alice, 'POST', '/proxy/alice-notes/knowledge/entities', { headers: json, body: JSON.stringify({ title: 'Proxy Note', folder: 'inbox', content: '# Proxy Note\n\n- [idea] zebra-through-proxy #test\n' }) });
    assert.equal(note.status, 200, await note.clone().text());
    const sync = await call(d, alice, 'POST', '/proxy/alice-notes/project/sync?force_full=true&run_in_background=false');
    assert.equal(sync.status, 200);
    const search = await call(d, alice, 'GET', '/proxy/alice-notes/search?q=zebra');
    assert.equal(search.status, 200);
    assert.ok(JSON.stringify(await search.json()).includes('Proxy Note'));
    const item = await call(d, alice, 'GET', '/proxy/alice-notes/project/item');
    assert.equal(item.status, 200);
    assert.equal((await item.json()).name, 'alice-notes');
    assert.equal((await call(d, alice, 'POST', '/proxy/alice-notes/project/status')).status, 200);

    // Whatever Host / X-Forwarded-* / X-BM-* headers say, Bob gets Bob's tenant.
    const spoof = {
      host: 'alice.example', 'x-forwarded-host': 'alice.example', 'x-forwarded-for': '1.2.3.4',
      'x-bm-tenant-id': A, 'x-workspace-id': A, forwarded: `for=1.2.3.4;host=${A}`,
    };
    const bobList = await (await call(d, bob, 'GET', '/proxy/projects/projects', { headers: spoof })).json();
    const names = bobList.projects.map((p: { name: string }) => p.name);
    assert.ok(names.includes('bob-notes') && !names.includes('alice-notes'), `bob sees ${names}`);
    assert.equal((await call(d, bob, 'GET', '/proxy/alice-notes/project/item', { headers: spoof })).status, 404);
    assert.equal((await call(d, bob, 'GET', `/proxy/alice-notes/search?q=zebra`)).status, 404);
    // Encoded traversal never reaches a tenant.
    for (const p of ['/proxy/bob-notes/resource/..%2f..%2f..%2falice-notes', '/proxy/bob-notes/resource/%252e%252e/x', '/proxy/bob-notes/resource/..%5c..%5cx']) {
      const r = await call(d, bob, 'GET', p);
      assert.equal(r.status, 400, p);
      assert.deepEqual(await r.json(), { detail: 'Invalid path.' });
    }
    // The tenant itself refuses unsigned calls: the proxy's credential is what lets callers in.
    const route = (await getTenantRoute(h.db, A))!;
    assert.equal((await fetch(`${route.baseUrl}/projects/projects`)).status, 401);
  });

  test('DELETE /proxy/projects/{name} removes the project on the real tenant (name with a space; Origin rule for sessions)', async () => {
    const d = deps(h.db);
    const alice: TenantProxyCaller = { tenantId: A, via: 'bearer' };
    const aliceBrowser: TenantProxyCaller = { tenantId: A, via: 'session' };
    const names = async () => (await (await call(d, alice, 'GET', '/proxy/projects/projects')).json()).projects.map((p: { name: string }) => p.name);
    const made = await call(d, alice, 'POST', '/proxy/projects/projects', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Old Notes', path: 'old-notes', set_default: false }) });
    assert.equal(made.status, 201, await made.clone().text());
    assert.ok((await names()).includes('Old Notes'));

    // A cookie-authenticated DELETE without our Origin never reaches the tenant.
    const refused = await call(d, aliceBrowser, 'DELETE', '/proxy/projects/Old%20Notes');
    assert.equal(refused.status, 403);
    assert.ok((await names()).includes('Old Notes'), 'still there');

    const del = await call(d, alice, 'DELETE', '/proxy/projects/Old%20Notes');
    assert.equal(del.status, 200, await del.clone().text());
    const body = await del.json();
    assert.match(body.message, /Old Notes/);
    assert.equal(body.old_project.name, 'Old Notes');
    assert.ok(!(await names()).includes('Old Notes'), 'gone from the tenant');
    // Again: the tenant's own 404 JSON comes back through.
    const again = await call(d, alice, 'DELETE', '/proxy/projects/Old%20Notes');
    assert.equal(again.status, 404);
    assert.ok((await again.json()).detail);
  });

  test('a 50 MB file streams back through the proxy', async () => {
    const d = deps(h.db);
    const alice: TenantProxyCaller = { tenantId: A, via: 'bearer' };
    await call(d, alice, 'POST', '/proxy/projects/projects', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'big', path: 'big', set_default: false }) });
    const projectDir = path.join(tenantDirs(dirs, A).dataDir, 'big');
    fs.mkdirSync(projectDir, { recursive: true });
    const fd = fs.openSync(path.join(projectDir, 'big.bin'), 'w');
    const chunk = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const res = await call(d, alice, 'GET', '/proxy/big/resource/big.bin');
    assert.equal(res.status, 200);
    let n = 0;
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.byteLength;
    assert.equal(n, 50 << 20);
  });

  test('inactive tenant → 403 subscription_required (/proxy/* and /tenant/mount/info); kill -9 → 503 + Retry-After meanwhile, then 200', async () => {
    const d = deps(h.db);
    const bob: TenantProxyCaller = { tenantId: B, via: 'bearer' };
    // /tenant/mount/info through the real principal guard (real token rows; only the cookie seam is ours).
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'bob', email: 'bob@example.test' }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: B, role: 'owner' });
    const cli = await insertCliSession(h.db, { userId: u!.id, tenantId: B, clientId: 'bmc-cli', scope: 'openid offline_access' });
    const token = randomToken(ACCESS_TOKEN_PREFIX);
    await insertAccessToken(h.db, hashSecret(token), cli.id, new Date(Date.now() + 3600_000), new Date());
    let sessionUser: string | null = null;
    const mount = (headers: Record<string, string> = {}) => mountInfo(new Request(`${APP}/tenant/mount/info`, { headers }), {
      resolvePrincipal: (req) => resolvePrincipalWith(req, { db: h.db, getSessionUserId: async () => sessionUser }),
      subscribeUrl: () => 'https://example.test/subscribe',
    });
    const anon = await mount();
    assert.equal(anon.status, 401);
    assert.deepEqual(await anon.json(), { detail: 'Authentication required.' });
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await mount({ authorization: 'Bearer bmat_not-a-token' })).status, 401);
    const ok = await mount({ authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { tenant_id: B, bucket_name: (await tenantState(h.db, B)).tenant.bucketName });

    await requestTenantStop(h.db, B);
    await waitFor('bob stopped', async () => (await tenantState(h.db, B)).tenant.status === 'stopped');
    const subscriptionRequired = { detail: { error: 'subscription_required', message: 'Active subscription required for CLI access', subscribe_url: 'https://example.test/subscribe' } };
    const r = await call(d, bob, 'GET', '/proxy/health');
    assert.equal(r.status, 403);
    assert.deepEqual(await r.json(), subscriptionRequired);
    const inactive = await mount({ authorization: `Bearer ${token}` });
    assert.equal(inactive.status, 403);
    assert.deepEqual(await inactive.json(), subscriptionRequired);
    sessionUser = u!.id;
    const inactiveSession = await mount();
    assert.equal(inactiveSession.status, 403);
    assert.equal((await inactiveSession.json()).detail.error, 'subscription_required');
    await requestTenantStart(h.db, B);

    const alice: TenantProxyCaller = { tenantId: A, via: 'bearer' };
    const collector = new SyncCollector({ db: h.db, authSecret: AUTH_SECRET, intervalMs: 500, concurrency: 2 });
    const rebuilds = async () => {
      await collector.collectRound({ stagger: false });
      return (await h.db.select().from(syncRuns).where(and(eq(syncRuns.tenantId, A), eq(syncRuns.kind, 'rebuild')))).length;
    };
    const rebuildsBefore = await rebuilds();
    assert.ok(rebuildsBefore >= 1);
    const before = await tenantState(h.db, A);
    process.kill(before.endpoint!.pid!, 'SIGKILL');
    const statuses = new Set<number>();
    await waitFor('200 again', async () => {
      const res = await call(d, alice, 'GET', '/proxy/projects/projects');
      statuses.add(res.status);
      if (res.status === 503) {
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
        const b = await res.json();
        assert.equal(b.detail.error, 'tenant_unavailable');
      } else await res.body?.cancel();
      assert.ok(res.status === 503 || res.status === 200, `unexpected ${res.status}`);
      return res.status === 200 && statuses.has(503);
    }, 30_000, 25);
    const after = await tenantState(h.db, A);
    assert.notEqual(after.endpoint!.pid, before.endpoint!.pid);
    assert.equal(after.endpoint!.crashCount, 1);
    // The restart's index rebuild (catch-up of the existing index) is recorded and collected.
    await waitFor('restart rebuild collected', async () => (await rebuilds()) === rebuildsBefore + 1, 15_000, 200);
    await waitFor('bob running', async () => (await tenantState(h.db, B)).tenant.status === 'running');
  });
});

describe('tenant proxy wire behaviour (loopback upstream)', () => {
  let server: http.Server;
  let port: number;
  let last: { method?: string; url?: string; headers: http.IncomingHttpHeaders; bytes: number } = { headers: {}, bytes: 0 };
  let onBytes: ((n: number) => void) | null = null;
  const TENANT = '6c2c1a7e-0000-4000-8000-000000000001';
  before(async () => {
    server = http.createServer((req, res) => {
      last = { method: req.method, url: req.url, headers: req.headers, bytes: 0 };
      if (req.url === '/redirect') { res.writeHead(302, { location: 'https://evil.test/' }); res.end(); return; }
      if (req.url === '/not-modified') { res.writeHead(304, { etag: '"x"', location: '/elsewhere' }); res.end(); return; }
      if (req.url === '/hang') return; // never answers
      if (req.url === '/big-download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const chunk = Buffer.alloc(1 << 20, 1);
        const write = () => {
          while (sent < 50) {
            sent++;
            if (!res.write(chunk)) { res.once('drain', write); return; }
          }
          res.end();
        };
        write();
        return;
      }
      req.on('data', (c: Buffer) => { last.bytes += c.length; onBytes?.(last.bytes); });
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'tenant=1', 'keep-alive': 'timeout=5', 'x-tenant': 'yes' });
        res.end(JSON.stringify({ bytes: last.bytes }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const route = (): TenantRoute => ({
    tenantId: TENANT, bucketName: 'b', status: 'running', statusDetail: null, statusChangedAt: new Date(), desiredState: 'running',
    baseUrl: `http://127.0.0.1:${port}`, nextRestartAt: null,
  });
  const d = (over: Partial<TenantProxyDeps> = {}): TenantProxyDeps => ({
    getRoute: async () => route(), authSecret: AUTH_SECRET, appOrigin: APP, subscribeUrl: 'https://x.test', connectTimeoutMs: 1000, idleTimeoutMs: 5000, ...over,
  });
  const caller: TenantProxyCaller = { tenantId: TENANT, via: 'bearer' };

  test('drops cookie, authorization, hop-by-hop, forwarded and forged X-BM-* headers; signs the exact path', async () => {
    const res = await call(d(), caller, 'POST', '/proxy/a/b%20c?x=1&y=%2F', {
      headers: {
        cookie: 'next-auth.session-token=secret', authorization: 'Bearer secret-token', connection: 'x-custom', 'x-custom': '1',
        'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'evil', 'x-bm-signature': 'f'.repeat(64), 'x-bm-tenant-id': 'someone-else',
        'x-bm-actor': 'forged', 'content-type': 'text/plain', 'x-oc-mtime': '1700000000', te: 'trailers', 'x-bmc-peer-ip': '127.0.0.1 stamp',
      },
      body: 'hello',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(res.headers.get('keep-alive'), null);
    assert.equal(res.headers.get('x-tenant'), 'yes');
    const hd = last.headers;
    for (const k of ['cookie', 'authorization', 'x-custom', 'x-forwarded-for', 'x-forwarded-host', 'te', 'x-bmc-peer-ip']) assert.equal(hd[k], undefined, k);
    assert.equal(hd['x-oc-mtime'], '1700000000');
    assert.equal(hd['x-bm-tenant-id'], TENANT);
    // who is writing (the note history) is the proxy's word, never the client's: a bearer token on /proxy is the CLI
    assert.equal(hd['x-bm-actor'], 'CLI');
    assert.equal(last.url, '/a/b%20c?x=1&y=%2F');
    assert.ok(verifyRequest({ secret: deriveTenantSecret(AUTH_SECRET, TENANT), tenantId: TENANT, method: 'POST', pathAndQuery: last.url!, headers: hd }));
    assert.ok(!verifyRequest({ secret: deriveTenantSecret(AUTH_SECRET, 'other'), tenantId: TENANT, method: 'POST', pathAndQuery: last.url!, headers: hd }));
  });

  test('never emits a redirect: 3xx → 502 JSON; 304 passes without Location', async () => {
    const r = await call(d(), caller, 'GET', '/proxy/redirect');
    assert.equal(r.status, 502);
    assert.equal(r.headers.get('location'), null);
    assert.equal((await r.json()).detail.error, 'tenant_redirect');
    const nm = await call(d(), caller, 'GET', '/proxy/not-modified');
    assert.equal(nm.status, 304);
    assert.equal(nm.headers.get('location'), null);
    assert.equal(nm.headers.get('etag'), '"x"');
  });

  test('idle timeout → 504 JSON; unreachable → 502/503 JSON', async () => {
    const t0 = Date.now();
    const r = await call(d({ idleTimeoutMs: 300 }), caller, 'GET', '/proxy/hang');
    assert.equal(r.status, 504);
    assert.ok(Date.now() - t0 < 3000);
    assert.equal((await r.json()).detail.error, 'tenant_timeout');
    const closed = http.createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    const u = await call(d({ getRoute: async () => ({ ...route(), baseUrl: `http://127.0.0.1:${deadPort}` }) }), caller, 'GET', '/proxy/x');
    assert.ok(u.status === 502 || u.status === 503);
    assert.equal(u.headers.get('content-type'), 'application/json');
  });

  test('connect timeout: a tenant address whose TCP handshake never completes → 502 JSON within the connect timeout', async () => {
    // A listener whose process is stopped (SIGSTOP) never accepts; once its accept queue is full the
    // kernel drops new SYNs, so a connect hangs — a black hole on loopback, without network access.
    const child = spawn(process.execPath, ['-e', `
      const s = require('net').createServer().listen(0, '127.0.0.1', 1, () => {
        process.stdout.write(String(s.address().port) + '\\n', () => process.kill(process.pid, 'SIGSTOP'));
      });`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: net.Socket[] = [];
    try {
      const holePort = Number(await new Promise<string>((resolve, reject) => {
        child.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim()));
        child.once('exit', () => reject(new Error('listener exited')));
      }));
      await waitFor('listener stopped', async () => /^T/m.test(fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1] ?? ''), 5000, 10);
      // Fill the accept queue: connect until one does not complete.
      for (let i = 0; i < 64; i++) {
        const sock = net.connect(holePort, '127.0.0.1');
        sock.on('error', () => {});
        fillers.push(sock);
        const connected = await new Promise<boolean>((r) => {
          const t = setTimeout(() => r(false), 300);
          sock.once('connect', () => { clearTimeout(t); r(true); });
        });
        if (!connected) break;
        assert.ok(i < 63, 'the accept queue never filled');
      }
      const connectTimeoutMs = 800;
      const t0 = Date.now();
      const r = await call(d({ connectTimeoutMs, idleTimeoutMs: 30_000, getRoute: async () => ({ ...route(), baseUrl: `http://127.0.0.1:${holePort}` }) }), caller, 'GET', '/proxy/projects/projects');
      const took = Date.now() - t0;
      assert.ok(r.status === 502 || r.status === 504, `status ${r.status}`);
      assert.equal(r.headers.get('content-type'), 'application/json');
      const body = await r.json();
      assert.ok(body.detail?.error, JSON.stringify(body));
      assert.ok(took >= connectTimeoutMs - 50, `answered after ${took} ms: not the connect timeout`);
      assert.ok(took < connectTimeoutMs + 1500, `answered after ${took} ms (connect timeout ${connectTimeoutMs} ms)`);
    } finally {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    }
  });

  test('a 50 MB upload streams: the tenant receives bytes before the client has produced them all', async () => {
    const total = 50;
    let produced = 0;
    let resolveFirstMb: () => void;
    const firstMbArrived = new Promise<void>((r) => { resolveFirstMb = r; });
    onBytes = (n) => { if (n >= 1 << 20) resolveFirstMb(); };
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        // Chunk 10 is only produced after the tenant got the first MB: a proxy that buffers the
        // whole body first would never forward anything and this test would time out.
        if (produced === 10) await firstMbArrived;
        if (produced === total) { ctrl.close(); return; }
        produced++;
        ctrl.enqueue(new Uint8Array(1 << 20).fill(produced));
      },
    });
    const res = await handleTenantProxy(new Request(APP + '/proxy/upload', { method: 'PUT', body, duplex: 'half' } as RequestInit), caller, d());
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { bytes: total << 20 });
    onBytes = null;
  });

  test('a 50 MB download streams: the first bytes reach the caller before the tenant has written them all', async () => {
    const res = await call(d(), caller, 'GET', '/proxy/big-download');
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.byteLength > 0);
    let n = first.value!.byteLength;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.byteLength;
    }
    assert.equal(n, 50 << 20);
  });
});
