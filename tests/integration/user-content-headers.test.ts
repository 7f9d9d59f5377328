// User files never run on the app's origin: every path that hands a person's file bytes to a browser (v1 and
// v2 resource reads, HEAD, WebDAV GET, the archive download; through the session route handler, the Bearer
// fast path and the WebDAV edge) answers with a script-less sandbox, nosniff, and active types as downloads
// labelled text/plain. Real Postgres, a real supervised tenant, files written through the real API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { memberships, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';
import { installNodeRequestHook } from '../../lib/http/node-request-hook.ts';
import { handleTenantProxy, type TenantProxyCaller, type TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

const APP = 'http://app.test';
const HTML = '<!doctype html><title>t</title><script>document.title = "pwned"; fetch("/api/me")</script>';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>';
// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');

/** What a browser would do with an answer: the headers that decide it. */
interface Seen { status: number; type: string | null; disposition: string | null; csp: string | null; nosniff: string | null }

function raw(port: number, method: string, p: string, headers: Record<string, string>, body?: string | Buffer): Promise<Seen & { body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode!, type: res.headers['content-type'] ?? null, disposition: (res.headers['content-disposition'] as string | undefined) ?? null,
        csp: (res.headers['content-security-policy'] as string | undefined) ?? null, nosniff: (res.headers['x-content-type-options'] as string | undefined) ?? null,
        body: Buffer.concat(chunks),
      }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function assertSandboxed(s: Seen, what: string): void {
  assert.equal(s.nosniff, 'nosniff', `${what}: nosniff`);
  assert.ok(s.csp, `${what}: a Content-Security-Policy`);
  const directives = s.csp!.split(';').map((d) => d.trim());
  assert.ok(directives.includes('sandbox'), `${what}: sandbox with no allow-* tokens (got ${s.csp})`);
  assert.ok(!/allow-scripts|allow-same-origin/.test(s.csp!), `${what}: scripts and same-origin stay off (got ${s.csp})`);
}

/** An active file: a download, labelled as text, in a sandbox. */
function assertInert(s: Seen, what: string, name: string): void {
  assert.equal(s.status, 200, what);
  assertSandboxed(s, what);
  assert.match(s.type ?? '', /^text\/plain\b/, `${what}: relabelled text/plain (got ${s.type})`);
  assert.match(s.disposition ?? '', /^attachment;/, `${what}: an attachment (got ${s.disposition})`);
  assert.ok((s.disposition ?? '').includes(name), `${what}: keeps its file name (got ${s.disposition})`);
}

describe('user content headers on every user-bytes path (postgres, real tenant)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  let sup: ReturnType<typeof makeSupervisor>;
  let server: http.Server;
  let port: number;
  let uninstall: () => void;
  let T: string;
  let token: string;
  let deps: TenantProxyDeps;
  const session = (): TenantProxyCaller => ({ tenantId: T, via: 'session' });
  /** The browser's way in: the session route handler (app/proxy/[...path]/route.ts). */
  const viaSession = async (method: string, p: string): Promise<Seen> => {
    const r = await handleTenantProxy(new Request(APP + p, { method }), session(), deps);
    await r.arrayBuffer();
    return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), csp: r.headers.get('content-security-policy'), nosniff: r.headers.get('x-content-type-options') };
  };

  before(async () => {
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'xss');
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'xss', email: 'xss@example.test' }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: T, role: 'owner' });
    const now = new Date();
    const s = await insertCliSession(h.db, { userId: u!.id, tenantId: T, clientId: 'bmc-cli', scope: 'openid offline_access' });
    token = randomToken(ACCESS_TOKEN_PREFIX);
    await insertAccessToken(h.db, hashSecret(token), s.id, new Date(now.getTime() + 3600_000), now);
    sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'user-content-test' });
    sup.start();
    await waitFor('running', async () => (await tenantState(h.db, T)).tenant.status === 'running', 90_000);
    deps = { getRoute: (id) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: APP, subscribeUrl: 'https://x.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 10_000 };
    const fp = { db: async () => h.db, deps: async () => deps };
    uninstall = installNodeRequestHook({ fastPath: fp, webdav: fp });
    server = http.createServer((_req, res) => { res.writeHead(418); res.end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => { uninstall(); server.closeAllConnections(); server.close(); await sup.stop(); await h.close(); dirs.cleanup(); });

  test('active files are sandboxed text downloads, images stay inline, on every route and way in', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const files: [string, string | Buffer][] = [
      ['evil.html', HTML], ['evil.svg', SVG], ['pic.png', PNG], ['app.js', 'document.title="pwned"'], ['style.css', 'body{}'],
      ['feed.xml', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>1</script></html>'],
      ['doc.pdf', '%PDF-1.4\n'], ['noext', '<script>1</script>'], ['ok.md', '# ok\n'],
    ];
    // Written through the real API (the notes browser's upload path), as bytes.
    for (const [name, body] of files) {
      const put = await raw(port, 'PUT', `/proxy/main/resource/${name}`, { ...auth, 'content-type': 'application/octet-stream' }, body);
      assert.ok(put.status === 200 || put.status === 201, `PUT ${name}: ${put.status} ${put.body}`);
    }

    for (const way of ['session', 'bearer'] as const) {
      const get = (p: string, method = 'GET'): Promise<Seen> => way === 'session' ? viaSession(method, p) : raw(port, method, p, auth);
      for (const method of ['GET', 'HEAD']) {
        const what = (n: string) => `${way} ${method} /resource/${n}`;
        assertInert(await get('/proxy/main/resource/evil.html', method), what('evil.html'), 'evil.html');
        // The tenant labels these octet-stream: a download either way, never a script or a stylesheet.
        for (const n of ['app.js', 'style.css']) {
          const s = await get(`/proxy/main/resource/${n}`, method);
          assertSandboxed(s, what(n));
          assert.match(s.disposition ?? '', /^attachment;/, what(n));
          assert.doesNotMatch(s.type ?? '', /html|xml|javascript|ecmascript|css/, what(n));
        }
        assertInert(await get('/proxy/main/resource/feed.xml', method), what('feed.xml'), 'feed.xml');
        // SVG keeps its type (an <img> preview needs it; images never run script) but is never opened as a page.
        const svg = await get('/proxy/main/resource/evil.svg', method);
        assertSandboxed(svg, what('evil.svg'));
        assert.equal(svg.type, 'image/svg+xml', what('evil.svg'));
        assert.match(svg.disposition ?? '', /^attachment;/, what('evil.svg'));
        const pdf = await get('/proxy/main/resource/doc.pdf', method);
        assertSandboxed(pdf, what('doc.pdf'));
        assert.match(pdf.disposition ?? '', /^attachment;/, what('doc.pdf'));
        const bin = await get('/proxy/main/resource/noext', method);
        assertSandboxed(bin, what('noext'));
        assert.match(bin.disposition ?? '', /^attachment;/, what('noext'));
        assert.doesNotMatch(bin.type ?? '', /html/, what('noext'));
        // Inert types stay inline (previews), still sandboxed.
        for (const [n, t] of [['pic.png', 'image/png'], ['ok.md', 'text/markdown']]) {
          const s = await get(`/proxy/main/resource/${n}`, method);
          assert.equal(s.status, 200, what(n!));
          assertSandboxed(s, what(n!));
          assert.ok((s.type ?? '').startsWith(t!), `${what(n!)}: ${s.type}`);
          assert.equal(s.disposition, null, `${what(n!)} is shown inline`);
        }
      }
      // The archive download.
      const zip = await get('/proxy/main/archive.zip');
      assert.equal(zip.status, 200);
      assertSandboxed(zip, `${way} archive.zip`);
      assert.match(zip.disposition ?? '', /^attachment;/);
      // JSON answers (the notes API) are sandboxed and nosniff too.
      const list = await get('/proxy/main/directory/list');
      assert.equal(list.status, 200);
      assertSandboxed(list, `${way} directory/list`);
      assert.match(list.type ?? '', /^application\/json/);
    }

    // v2: the resource by entity id.
    const resolved = await raw(port, 'POST', '/proxy/v2/projects/resolve', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ identifier: 'main' }));
    const ext = JSON.parse(resolved.body.toString()).external_id as string;
    const ent = await raw(port, 'POST', `/proxy/v2/projects/${ext}/knowledge/resolve`, { ...auth, 'content-type': 'application/json' }, JSON.stringify({ identifier: 'evil.html' }));
    assert.equal(ent.status, 200, ent.body.toString());
    const entId = JSON.parse(ent.body.toString()).external_id as string;
    assertInert(await raw(port, 'GET', `/proxy/v2/projects/${ext}/resource/${entId}`, auth), 'bearer GET v2 resource', entId);
    assertInert(await viaSession('GET', `/proxy/v2/projects/${ext}/resource/${entId}`), 'session GET v2 resource', entId);

    // WebDAV: GET of the same file is the same download; PROPFIND keeps the XML its clients need.
    const dav = await raw(port, 'GET', '/proxy/webdav/main/evil.html', auth);
    assertInert(dav, 'WebDAV GET', 'evil.html');
    assert.equal(dav.body.toString(), HTML, 'the bytes themselves are unchanged');
    const davSvg = await raw(port, 'GET', '/proxy/webdav/main/evil.svg', auth);
    assertSandboxed(davSvg, 'WebDAV GET svg');
    assert.match(davSvg.disposition ?? '', /^attachment;/);
    const find = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { ...auth, depth: '1' });
    assert.equal(find.status, 207);
    assert.match(find.type ?? '', /xml/, 'PROPFIND answers stay XML for WebDAV clients');
    assertSandboxed(find, 'PROPFIND');

    // Refusals of the proxy itself are nosniff too.
    const bad = await raw(port, 'GET', '/proxy/main/%2e%2e/x', auth);
    assert.equal(bad.status, 400);
    assert.equal(bad.nosniff, 'nosniff');
  });
});
