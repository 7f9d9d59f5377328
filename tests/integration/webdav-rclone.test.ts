// Files in and out through /proxy/webdav with the real rclone, a real supervised tenant process on real files,
// real Postgres and real credentials (app passwords, a CLI access token). The node:http hook is the one the app
// installs; a plain http server stands in for Next (nothing WebDAV reaches it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { eq } from 'drizzle-orm';
import { appPasswords, memberships, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { revokeAppPassword } from '../../lib/db/queries/app-passwords.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { createAppPassword } from '../../lib/auth/app-passwords.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';
import { installNodeRequestHook } from '../../lib/http/node-request-hook.ts';
import { LocalTenantDriver } from '../../lib/tenants/local-driver.ts';
import { tenantDirs } from '../../lib/tenants/local-driver.ts';
import { mountCredentials } from '../../app/tenant/mount/credentials/mount-credentials.ts';
import { AUTH_SECRET, TENANT_ENTRY, createTenantRow, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';
import { rclone, rcloneVersion, webdavRemote, type RcloneRemote } from '../helpers/rclone.ts';

type Res = { status: number; headers: http.IncomingHttpHeaders; body: string };
function raw(port: number, method: string, p: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Res> {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body));
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const md5 = (b: string | Buffer) => crypto.createHash('md5').update(b).digest('hex');

function writeTree(root: string, files: Record<string, string>, mtimeSeconds: number): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    fs.utimesSync(abs, mtimeSeconds, mtimeSeconds);
  }
}

describe('WebDAV through /proxy/webdav with rclone (postgres, real tenant)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-webdav-');
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-webdav-local-'));
  let sup: ReturnType<typeof makeSupervisor>;
  let server: http.Server;
  let port: number;
  let uninstall: () => void;
  let T: string, T2: string;
  let alice: { id: string; email: string }, bob: { id: string };
  let pass: { user: string; pass: string; id: string };
  let bobPass: { user: string; pass: string };
  let token: string;
  let remote: RcloneRemote;
  let url: string;
  let aliceData: string;

  before(async () => {
    rcloneVersion(); // fails here, loudly, when rclone is missing
    h = await freshDatabase('postgres');
    T = await createTenantRow(h.db, 'dav');
    T2 = await createTenantRow(h.db, 'dav2');
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'dav', email: 'alice@example.test' }).returning();
    const [u2] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'dav2', email: 'bob@example.test' }).returning();
    alice = { id: u!.id, email: u!.email! };
    bob = { id: u2!.id };
    await h.db.insert(memberships).values([{ userId: u!.id, tenantId: T, role: 'owner' }, { userId: u2!.id, tenantId: T2, role: 'owner' }]);
    const ctx = { ip: '127.0.0.1', userAgent: 'test' };
    const a = (await createAppPassword(h.db, { userId: alice.id, tenantId: T, name: 'laptop rclone' }, ctx))!;
    pass = { user: a.row.accessKey, pass: a.secret, id: a.row.id };
    const b = (await createAppPassword(h.db, { userId: bob.id, tenantId: T2, name: 'bob' }, ctx))!;
    bobPass = { user: b.row.accessKey, pass: b.secret };
    const now = new Date();
    const s = await insertCliSession(h.db, { userId: alice.id, tenantId: T, clientId: 'bmc-cli', scope: 'openid offline_access' });
    token = randomToken(ACCESS_TOKEN_PREFIX);
    await insertAccessToken(h.db, hashSecret(token), s.id, new Date(now.getTime() + 3600_000), now);
    const driver = new LocalTenantDriver({ dataRoot: dirs.dataRoot, indexRoot: dirs.indexRoot, entry: TENANT_ENTRY, syncIntervalS: 0,
      startTimeoutMs: 20_000, quotaMb: 8, env: { BM_LOG_LEVEL: 'warn' } });
    sup = makeSupervisor(h.db, driver, { holderId: 'webdav-test' });
    sup.start();
    await waitFor('running', async () => (await tenantState(h.db, T)).tenant.status === 'running' && (await tenantState(h.db, T2)).tenant.status === 'running', 90_000);
    aliceData = path.join(tenantDirs(dirs, T).dataDir, 'main');
    const opts = {
      db: async () => h.db,
      deps: async () => ({
        getRoute: (id: string) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: 'http://app.test',
        subscribeUrl: 'https://x.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 30_000,
      }),
    };
    uninstall = installNodeRequestHook({ fastPath: opts, webdav: opts });
    server = http.createServer((_req, res) => { res.writeHead(418); res.end('next'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}/proxy/webdav/`;
    remote = webdavRemote('dav', url, { user: pass.user, pass: pass.pass });
  });
  after(async () => {
    uninstall?.(); server?.closeAllConnections(); server?.close(); await sup?.stop(); await h?.close(); dirs.cleanup();
    fs.rmSync(local, { recursive: true, force: true });
  });

  test('OPTIONS at the server root says DAV (what Windows asks before mounting); the files still need credentials', async () => {
    for (const p of ['/', '/proxy/']) {
      const r = await raw(port, 'OPTIONS', p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.dav, '1, 2', p);
      assert.equal(r.headers['ms-author-via'], 'DAV', p);
      assert.equal(r.body, '', p);
    }
    assert.equal((await raw(port, 'OPTIONS', '/proxy/webdav/main/')).status, 401);
  });

  test('no credentials: 401 with a Basic challenge; a wrong app password and the session cookie get nothing', async () => {
    const none = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '1' });
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic realm=/);
    const wrong = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '1', authorization: basic(pass.user, pass.pass + 'x') });
    assert.equal(wrong.status, 401);
    const wrongUser = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '1', authorization: basic('someone-else', pass.pass) });
    assert.equal(wrongUser.status, 401);
    const cookie = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '1', cookie: 'next-auth.session-token=x' });
    assert.equal(cookie.status, 401);
    const byEmail = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '0', authorization: basic(alice.email, pass.pass) });
    assert.equal(byEmail.status, 207, byEmail.body);
    const r = await rclone(webdavRemote('bad', url, { user: pass.user, pass: 'bmap_wrong' }), ['lsf', 'bad:main']);
    assert.notEqual(r.code, 0);
  });

  test('rclone copy up and down keeps bytes and mtimes; check is clean; the index catches up without a forced sync', async () => {
    const up = path.join(local, 'up');
    writeTree(up, {
      'notes/alpha.md': '---\ntitle: Alpha\n---\n\nthe moonquake protocol\n',
      'notes/deep/beta.md': '# Beta\n\nbeta text\n',
      'image.bin': crypto.randomBytes(200_000).toString('latin1'),
      'Ünïcode name.md': '# unicode\n',
    }, 1_500_000_000);
    const c = await rclone(remote, ['copy', up, 'dav:main']);
    assert.equal(c.code, 0, c.stderr);
    for (const rel of ['notes/alpha.md', 'notes/deep/beta.md', 'image.bin', 'Ünïcode name.md']) {
      const st = fs.statSync(path.join(aliceData, rel));
      assert.equal(Math.floor(st.mtimeMs / 1000), 1_500_000_000, rel);
      assert.deepEqual(fs.readFileSync(path.join(aliceData, rel)), fs.readFileSync(path.join(up, rel)));
    }
    // search through the proxy finds the upload at once (indexed on write, no force_full sync)
    const search = await raw(port, 'GET', '/proxy/main/search?q=moonquake', { authorization: `Bearer ${token}` });
    assert.equal(search.status, 200, search.body);
    assert.equal(JSON.parse(search.body).results.length, 1);
    const down = path.join(local, 'down');
    const d = await rclone(remote, ['copy', 'dav:main', down]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(Math.floor(fs.statSync(path.join(down, 'notes/alpha.md')).mtimeMs / 1000), 1_500_000_000);
    const check = await rclone(remote, ['check', up, 'dav:main']);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /0 differences found/);
    assert.doesNotMatch(check.stderr, /No common hash/); // MD5 from oc:checksums is compared, not just sizes
    const ls = await rclone(remote, ['lsjson', '--hash', 'dav:main/notes/alpha.md']);
    assert.equal(JSON.parse(ls.stdout)[0].Hashes.md5, md5(fs.readFileSync(path.join(up, 'notes/alpha.md'))));
  });

  test('rclone sync with deletions removes on the remote (into the restorable trash) and the index follows', async () => {
    const src = path.join(local, 'sync');
    writeTree(src, { 'keep.md': '# keep\n', 'drop.md': '# drop\n\nstarfruitcake\n' }, 1_600_000_000);
    assert.equal((await rclone(remote, ['sync', src, 'dav:main/synced'])).code, 0);
    await waitFor('indexed', async () => JSON.parse((await raw(port, 'GET', '/proxy/main/search?q=starfruitcake', { authorization: `Bearer ${token}` })).body).results.length === 1);
    fs.rmSync(path.join(src, 'drop.md'));
    const r = await rclone(remote, ['sync', src, 'dav:main/synced']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(path.join(aliceData, 'synced/drop.md')));
    assert.ok(fs.existsSync(path.join(aliceData, 'synced/keep.md')));
    // the deleted file is in the tenant's trash, listed (and restorable) through the API like any API delete
    const trash = JSON.parse((await raw(port, 'GET', '/proxy/trash', { authorization: `Bearer ${token}` })).body) as { items: { project: string; path: string }[] };
    assert.ok(trash.items.some((i) => i.project === 'main' && i.path === 'synced/drop.md'), JSON.stringify(trash.items));
    await waitFor('unindexed', async () => JSON.parse((await raw(port, 'GET', '/proxy/main/search?q=starfruitcake', { authorization: `Bearer ${token}` })).body).results.length === 0);
  });

  test('rclone bisync: changes on both sides meet; a conflict keeps both versions; --max-delete refuses a mass deletion', async () => {
    const lp = path.join(local, 'bi');
    const workdir = path.join(local, 'bisync-state');
    writeTree(lp, { 'a.md': 'a1\n', 'b.md': 'b1\n', 'c.md': 'c1\n', 'd.md': 'd1\n', 'e.md': 'e1\n' }, 1_600_000_000);
    assert.equal((await rclone(remote, ['mkdir', 'dav:main/bi'])).code, 0); // bisync needs both roots to exist
    const first = await rclone(remote, ['bisync', lp, 'dav:main/bi', '--resync', '--workdir', workdir]);
    assert.equal(first.code, 0, first.stderr);
    // local edits a.md, remote edits b.md, both edit c.md
    fs.writeFileSync(path.join(lp, 'a.md'), 'a2 local\n');
    fs.writeFileSync(path.join(lp, 'c.md'), 'c2 local\n');
    const auth = { authorization: basic(pass.user, pass.pass) };
    const later = String(Math.floor(Date.now() / 1000) + 5);
    assert.equal((await raw(port, 'PUT', '/proxy/webdav/main/bi/b.md', { ...auth, 'x-oc-mtime': later }, 'b2 remote\n')).status, 204);
    assert.equal((await raw(port, 'PUT', '/proxy/webdav/main/bi/c.md', { ...auth, 'x-oc-mtime': later }, 'c2 remote\n')).status, 204);
    const second = await rclone(remote, ['bisync', lp, 'dav:main/bi', '--workdir', workdir]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(fs.readFileSync(path.join(aliceData, 'bi/a.md'), 'utf8'), 'a2 local\n');
    assert.equal(fs.readFileSync(path.join(lp, 'b.md'), 'utf8'), 'b2 remote\n');
    const remoteNames = fs.readdirSync(path.join(aliceData, 'bi'));
    const localNames = fs.readdirSync(lp);
    // rclone 1.60 renames both sides of a conflict (…..path1 / …..path2) and copies each across: nothing lost
    for (const names of [remoteNames, localNames]) {
      const conflict = names.filter((n) => n.startsWith('c.md'));
      assert.equal(conflict.length, 2, names.join(', '));
    }
    const texts = remoteNames.filter((n) => n.startsWith('c.md')).map((n) => fs.readFileSync(path.join(aliceData, 'bi', n), 'utf8')).sort();
    assert.deepEqual(texts, ['c2 local\n', 'c2 remote\n']);
    // deleting most local files: bisync refuses (--max-delete, percent) and the remote keeps them
    for (const n of ['a.md', 'b.md', 'd.md', 'e.md']) fs.rmSync(path.join(lp, n));
    const guarded = await rclone(remote, ['bisync', lp, 'dav:main/bi', '--workdir', workdir, '--max-delete', '25']);
    assert.notEqual(guarded.code, 0);
    assert.match(guarded.stderr, /too many deletes|Safety abort/i);
    for (const n of ['a.md', 'b.md', 'd.md', 'e.md']) assert.ok(fs.existsSync(path.join(aliceData, 'bi', n)), n);
  });

  test('upstream request shapes: bm cloud upload (PUT + X-OC-Mtime, Bearer, then force_full sync) and push/pull (PROPFIND depth 1, create-only PUT)', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const put = await raw(port, 'PUT', '/proxy/webdav/main/uploaded/from-cli.md', { ...auth, 'x-oc-mtime': '1700000000' }, '# from cli\n\nkumquatrocket\n');
    assert.equal(put.status, 201, put.body);
    assert.equal(Math.floor(fs.statSync(path.join(aliceData, 'uploaded/from-cli.md')).mtimeMs / 1000), 1700000000);
    const sync = await raw(port, 'POST', '/proxy/main/project/sync?force_full=true', auth);
    assert.equal(sync.status, 200, sync.body);
    assert.match(JSON.parse(sync.body).message, /sync initiated/i);
    const pf = await raw(port, 'PROPFIND', '/proxy/webdav/main/uploaded', { ...auth, depth: '1', 'content-type': 'application/xml' },
      '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>');
    assert.equal(pf.status, 207, pf.body);
    const hrefs = [...pf.body.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);
    assert.deepEqual(hrefs, ['/proxy/webdav/main/uploaded/', '/proxy/webdav/main/uploaded/from-cli.md']);
    assert.match(pf.body, new RegExp(`<D:getetag>"${md5('# from cli\n\nkumquatrocket\n')}"</D:getetag>`));
    const createOnly = await raw(port, 'PUT', '/proxy/webdav/main/uploaded/from-cli.md', { ...auth, 'if-none-match': '*' }, 'clobber');
    assert.equal(createOnly.status, 412);
    assert.equal((await raw(port, 'PUT', '/proxy/webdav/main/uploaded/new.md', { ...auth, 'if-none-match': '*' }, 'new')).status, 201);
    const get = await raw(port, 'GET', '/proxy/webdav/main/uploaded/from-cli.md', auth);
    assert.equal(get.status, 200);
    assert.ok(get.headers['last-modified']);
  });

  test('MOVE, COPY and LOCK through the proxy: Destination rewritten and validated', async () => {
    const auth = { authorization: basic(pass.user, pass.pass) };
    await raw(port, 'PUT', '/proxy/webdav/main/mv/src.md', auth, 'src');
    const mv = await raw(port, 'MOVE', '/proxy/webdav/main/mv/src.md', { ...auth, destination: `http://127.0.0.1:${port}/proxy/webdav/main/mv/dst.md` });
    assert.equal(mv.status, 201, mv.body);
    assert.ok(fs.existsSync(path.join(aliceData, 'mv/dst.md')));
    const cp = await raw(port, 'COPY', '/proxy/webdav/main/mv/dst.md', { ...auth, destination: '/proxy/webdav/main/mv/copy.md' });
    assert.equal(cp.status, 201, cp.body);
    for (const destination of ['/proxy/webdav/main/../../x.md', '/proxy/webdav/main/%2e%2e/x.md', '/proxy/projects/projects', 'http://evil.test/elsewhere', '/proxy/webdav/other/x.md']) {
      const r = await raw(port, 'MOVE', '/proxy/webdav/main/mv/copy.md', { ...auth, destination });
      assert.ok([400, 403, 404].includes(r.status), `${destination}: ${r.status} ${r.body}`);
    }
    assert.ok(fs.existsSync(path.join(aliceData, 'mv/copy.md')));
    const lock = await raw(port, 'LOCK', '/proxy/webdav/main/mv/copy.md', { ...auth, timeout: 'Second-60' },
      '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>');
    assert.equal(lock.status, 200, lock.body);
    const tok = String(lock.headers['lock-token']);
    assert.equal((await raw(port, 'PUT', '/proxy/webdav/main/mv/copy.md', auth, 'x')).status, 423);
    assert.equal((await raw(port, 'PUT', '/proxy/webdav/main/mv/copy.md', { ...auth, if: `(${tok})` }, 'x')).status, 204);
    assert.equal((await raw(port, 'UNLOCK', '/proxy/webdav/main/mv/copy.md', { ...auth, 'lock-token': tok })).status, 204);
    const trav = await raw(port, 'GET', '/proxy/webdav/main/%2e%2e/%2e%2e/etc/passwd', auth);
    assert.equal(trav.status, 400);
  });

  test('quota: over it a PUT gets 507 and nothing is written', async () => {
    const auth = { authorization: basic(pass.user, pass.pass) };
    const r = await raw(port, 'PUT', '/proxy/webdav/main/huge.bin', auth, Buffer.alloc(9 * 1024 * 1024, 1));
    assert.equal(r.status, 507, r.body);
    assert.match(JSON.parse(r.body).detail, /quota/i);
    assert.ok(!fs.existsSync(path.join(aliceData, 'huge.bin')));
  });

  test("a second user's app password reaches only their own tenant", async () => {
    const r = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '1', authorization: basic(bobPass.user, bobPass.pass) });
    assert.equal(r.status, 207, r.body);
    assert.doesNotMatch(r.body, /notes|alpha|uploaded/);
    const g = await raw(port, 'GET', '/proxy/webdav/main/notes/alpha.md', { authorization: basic(bobPass.user, bobPass.pass) });
    assert.equal(g.status, 404);
    // Alice's password with Bob's user name is refused, not mapped to either tenant
    assert.equal((await raw(port, 'GET', '/proxy/webdav/main/notes/alpha.md', { authorization: basic(bobPass.user, pass.pass) })).status, 401);
    const bobRemote = webdavRemote('bob', url, { user: bobPass.user, pass: bobPass.pass });
    const ls = await rclone(bobRemote, ['lsf', '-R', 'bob:main']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.doesNotMatch(ls.stdout, /alpha/);
  });

  test('POST /tenant/mount/credentials answers {access_key, secret_key} that work as WebDAV Basic credentials', async () => {
    const principal = { user: { id: alice.id, email: alice.email, name: null, role: 'user' as const }, tenant: (await tenantState(h.db, T)).tenant, scopes: [], via: 'token' as const };
    const res = await mountCredentials(new Request('http://app.test/tenant/mount/credentials', { method: 'POST' }), {
      resolvePrincipal: async () => principal as never, db: async () => h.db, subscribeUrl: () => 'https://x.test', requestInfo: () => ({ ip: null, userAgent: null }),
    });
    assert.equal(res.status, 200);
    const body = await res.json() as { access_key: string; secret_key: string };
    assert.deepEqual(Object.keys(body).sort(), ['access_key', 'secret_key']);
    const r = await raw(port, 'PROPFIND', '/proxy/webdav/main/', { depth: '0', authorization: basic(body.access_key, body.secret_key) });
    assert.equal(r.status, 207);
    const none = await mountCredentials(new Request('http://app.test/tenant/mount/credentials', { method: 'POST' }), {
      resolvePrincipal: async () => null, db: async () => h.db, subscribeUrl: () => 'https://x.test', requestInfo: () => ({ ip: null, userAgent: null }),
    });
    assert.equal(none.status, 401);
  });

  test('revoking an app password takes effect on the next request; last use is recorded', async () => {
    const auth = { authorization: basic(pass.user, pass.pass) };
    assert.equal((await raw(port, 'PROPFIND', '/proxy/webdav/main/', { ...auth, depth: '0' })).status, 207);
    const [row] = await h.db.select().from(appPasswords).where(eq(appPasswords.id, pass.id));
    assert.ok(row!.lastUsedAt, 'last used time recorded');
    assert.equal(row!.lastUsedIp, '127.0.0.1');
    assert.ok(await revokeAppPassword(h.db, alice.id, pass.id, { ip: null, userAgent: null }));
    assert.equal((await raw(port, 'PROPFIND', '/proxy/webdav/main/', { ...auth, depth: '0' })).status, 401);
    const r = await rclone(remote, ['lsf', 'dav:main']);
    assert.notEqual(r.code, 0);
    assert.equal(await revokeAppPassword(h.db, bob.id, pass.id, { ip: null, userAgent: null }), false);
  });
});
