// Account API keys (`bmc_…`) and workspaces end to end: the real route handlers (`/api/keys`, `/workspaces/`,
// `/tenant/mount/info`) against real Postgres, and the key used as Bearer on /proxy (the node:http fast path the app
// installs) and on /proxy/webdav to real supervised tenant processes on real files. Revocation goes through the
// process's credential cache and its Postgres LISTEN, as in the app.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { apiKeys, auditEvents, memberships, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';
import { processAccessTokenCache, watchCliSessionRevocations } from '../../lib/auth/access-token-cache.ts';
import { installNodeRequestHook } from '../../lib/http/node-request-hook.ts';
import { tenantDirs } from '../../lib/tenants/local-driver.ts';
import { resetConfigForTests } from '../../lib/config/index.ts';
import { closeDb } from '../../lib/db/index.ts';
import { REDACTED_PATHS } from '../../lib/log.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

type Res = { status: number; headers: http.IncomingHttpHeaders; body: string };
function raw(port: number, method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<Res> {
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
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const json = { 'content-type': 'application/json' };
const APP = 'http://localhost:7399';

describe('API keys and workspaces (postgres, real tenants)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-keys-');
  let sup: ReturnType<typeof makeSupervisor>;
  let server: http.Server;
  let port: number;
  let uninstall: () => void;
  let A: string, B: string;
  let aliceToken: string, bobToken: string;
  let aliceId: string;
  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, BMC_DATA_DIR: process.env.BMC_DATA_DIR, AUTH_SECRET: process.env.AUTH_SECRET, APP_URL: process.env.APP_URL };
  let keysRoute: typeof import('../../app/api/keys/route.ts');
  let keyRoute: typeof import('../../app/api/keys/[id]/route.ts');
  let workspacesRoute: typeof import('../../app/workspaces/route.ts');
  let mountInfoRoute: typeof import('../../app/tenant/mount/info/route.ts');

  const createKey = async (token: string, body: unknown, headers: Record<string, string> = {}) =>
    keysRoute.POST(new Request(`${APP}/api/keys`, { method: 'POST', headers: { ...json, ...bearer(token), ...headers }, body: JSON.stringify(body) }), undefined as never);
  const workspaces = (token: string, headers: Record<string, string> = {}) =>
    workspacesRoute.GET(new Request(`${APP}/workspaces/`, { headers: { ...bearer(token), ...headers } }), undefined as never);

  before(async () => {
    h = await freshDatabase('postgres');
    resetConfigForTests();
    process.env.DATABASE_URL = h.url!;
    process.env.BMC_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-keys-app-'));
    process.env.AUTH_SECRET = AUTH_SECRET;
    process.env.APP_URL = APP;
    keysRoute = await import('../../app/api/keys/route.ts');
    keyRoute = await import('../../app/api/keys/[id]/route.ts');
    workspacesRoute = await import('../../app/workspaces/route.ts');
    mountInfoRoute = await import('../../app/tenant/mount/info/route.ts');
    A = await createTenantRow(h.db, 'alice');
    B = await createTenantRow(h.db, 'bob');
    const [a] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'alice', email: 'alice@example.test' }).returning();
    const [b] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'bob', email: 'bob@example.test' }).returning();
    aliceId = a!.id;
    await h.db.insert(memberships).values([{ userId: a!.id, tenantId: A, role: 'owner' }, { userId: b!.id, tenantId: B, role: 'owner' }]);
    const now = new Date();
    const tok = async (userId: string, tenantId: string) => {
      const s = await insertCliSession(h.db, { userId, tenantId, clientId: 'bmc-cli', scope: 'openid offline_access' });
      const t = randomToken(ACCESS_TOKEN_PREFIX);
      await insertAccessToken(h.db, hashSecret(t), s.id, new Date(now.getTime() + 3600_000), now);
      return t;
    };
    aliceToken = await tok(a!.id, A);
    bobToken = await tok(b!.id, B);
    sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'api-keys-test' });
    sup.start();
    for (const id of [A, B]) await waitFor('running', async () => (await tenantState(h.db, id)).tenant.status === 'running', 90_000);
    // The app's revocation path: this process LISTENs, so its credential cache is on (60 s: only revocation empties it).
    await watchCliSessionRevocations(h);
    const opts = {
      db: async () => h.db,
      tokenCache: () => processAccessTokenCache(60_000),
      deps: async () => ({
        getRoute: (id: string) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: APP,
        subscribeUrl: 'https://x.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 30_000,
      }),
    };
    uninstall = installNodeRequestHook({ fastPath: opts, webdav: opts });
    server = http.createServer((_req, res) => { res.writeHead(418); res.end('next'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    uninstall?.(); server?.closeAllConnections(); server?.close(); await sup?.stop(); await closeDb(); await h?.close(); dirs.cleanup();
    for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    resetConfigForTests();
  });

  test('POST /api/keys (upstream `bm cloud api-key create`): the key once, stored hashed; GET lists it without it', async () => {
    const res = await createKey(aliceToken, { name: 'laptop' });
    assert.equal(res.status, 201);
    const body = await res.json() as Record<string, unknown>;
    assert.match(body.key as string, /^bmc_[A-Za-z0-9_-]{43}$/);
    assert.equal(body.name, 'laptop');
    assert.equal(body.scope, 'read_write');
    assert.deepEqual(body.scopes, ['memory:read', 'memory:write', 'memory:admin']);
    assert.equal(body.workspace_id, A);
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, body.id as string));
    assert.equal(row!.secretHash, hashSecret(body.key as string));
    assert.ok(!JSON.stringify(row).includes(body.key as string), 'the key itself is not stored');
    const list = await keysRoute.GET(new Request(`${APP}/api/keys`, { headers: bearer(aliceToken) }), undefined as never);
    const listed = await list.json() as { keys: Array<Record<string, unknown>>; total: number };
    assert.equal(listed.total, 1);
    assert.equal(listed.keys[0]!.id, body.id);
    assert.equal(listed.keys[0]!.prefix, (body.key as string).slice(0, 10));
    assert.ok(!JSON.stringify(listed).includes(body.key as string), 'a list never holds a key');
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'api_key.create'));
    assert.ok(!JSON.stringify(audits).includes(body.key as string));
    // Bob sees none of Alice's keys.
    const bobList = await (await keysRoute.GET(new Request(`${APP}/api/keys`, { headers: bearer(bobToken) }), undefined as never)).json() as { total: number };
    assert.equal(bobList.total, 0);
  });

  test('bad create requests change nothing: no name, bad scope, non-JSON, another person\'s workspace, a key making keys', async () => {
    const before = (await h.db.select().from(apiKeys)).length;
    const noName = await createKey(aliceToken, { name: '  ' });
    assert.equal(noName.status, 422);
    assert.match((await noName.json()).detail, /name is required/);
    assert.equal((await createKey(aliceToken, { name: 'x', scope: 'root' })).status, 422);
    const notJson = await keysRoute.POST(new Request(`${APP}/api/keys`, { method: 'POST', headers: { ...json, ...bearer(aliceToken) }, body: '{' }), undefined as never);
    assert.equal(notJson.status, 400);
    const foreign = await createKey(aliceToken, { name: 'x' }, { 'x-workspace-id': B });
    assert.equal(foreign.status, 404);
    assert.deepEqual(await foreign.json(), { detail: `Workspace '${B}' not found.` });
    const k = await (await createKey(aliceToken, { name: 'k' })).json() as { key: string };
    const byKey = await createKey(k.key, { name: 'child' });
    assert.equal(byKey.status, 401);
    assert.equal((await h.db.select().from(apiKeys)).length, before + 1);
  });

  test('a key works as Bearer on /proxy, /proxy/webdav and control-plane routes; last use is recorded', async () => {
    const { key, id } = await (await createKey(aliceToken, { name: 'agent' })).json() as { key: string; id: string };
    const list = await raw(port, 'GET', '/proxy/projects/projects', bearer(key));
    assert.equal(list.status, 200, list.body);
    assert.ok(JSON.parse(list.body).projects.some((p: { name: string }) => p.name === 'main'));
    const put = await raw(port, 'PUT', '/proxy/main/knowledge/entities/keys/by-key', { ...json, ...bearer(key) },
      JSON.stringify({ title: 'By Key', folder: 'keys', content: 'written with an API key\n' }));
    assert.ok(put.status === 200 || put.status === 201, put.body);
    assert.ok(fs.existsSync(path.join(tenantDirs(dirs, A).dataDir, 'main', 'keys', 'By Key.md')));
    const dav = await raw(port, 'PROPFIND', '/proxy/webdav/main/keys/', { ...bearer(key), depth: '1' });
    assert.equal(dav.status, 207, dav.body);
    assert.match(dav.body, /By%20Key\.md|By Key\.md/);
    const ws = await workspaces(key);
    assert.equal(ws.status, 200);
    const wsBody = await ws.json() as { workspaces: Array<{ tenant_id: string }>; current_workspace_id: string };
    assert.deepEqual(wsBody.workspaces.map((w) => w.tenant_id), [A]);
    assert.equal(wsBody.current_workspace_id, A);
    const mount = await mountInfoRoute.GET(new Request(`${APP}/tenant/mount/info`, { headers: bearer(key) }));
    assert.equal(mount.status, 200);
    assert.equal((await mount.json()).tenant_id, A);
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    assert.ok(row!.lastUsedAt, 'last use recorded');
  });

  test('a read-only key reads (GET and the read POSTs) and is refused every write with a {"detail"} 403; nothing changes', async () => {
    const { key } = await (await createKey(aliceToken, { name: 'reader', scope: 'read_only' })).json() as { key: string };
    const projects = JSON.parse((await raw(port, 'GET', '/proxy/projects/projects', bearer(key))).body) as { projects: Array<{ name: string; external_id: string }> };
    const ext = projects.projects.find((p) => p.name === 'main')!.external_id;
    const search = await raw(port, 'POST', `/proxy/v2/projects/${ext}/search/`, { ...json, ...bearer(key) }, JSON.stringify({ search_text: 'key' }));
    assert.equal(search.status, 200, search.body);
    assert.equal((await raw(port, 'POST', '/proxy/v2/projects/resolve', { ...json, ...bearer(key) }, JSON.stringify({ identifier: 'main' }))).status, 200);
    assert.equal((await raw(port, 'GET', `/proxy/v2/projects/${ext}/memory/recent`, bearer(key))).status, 200);
    const file = path.join(tenantDirs(dirs, A).dataDir, 'main', 'ro', 'Nope.md');
    const writes: Array<[string, string, string | undefined]> = [
      ['PUT', '/proxy/main/knowledge/entities/ro/nope', JSON.stringify({ title: 'Nope', folder: 'ro', content: 'x\n' })],
      ['POST', `/proxy/v2/projects/${ext}/knowledge/entities`, JSON.stringify({ title: 'Nope', directory: 'ro', content: 'x\n' })],
      ['POST', '/proxy/main/knowledge/entities/delete', JSON.stringify({ permalinks: ['keys/by-key'] })],
      ['DELETE', '/proxy/projects/main', undefined],
      ['PUT', '/proxy/webdav/main/ro/Nope.md', 'x'],
    ];
    for (const [method, p, body] of writes) {
      const r = await raw(port, method, p, { ...json, ...bearer(key) }, body);
      assert.equal(r.status, 403, `${method} ${p}: ${r.body}`);
      assert.match(JSON.parse(r.body).detail, /^This API key is read-only: /);
    }
    assert.ok(!fs.existsSync(file));
    assert.ok(fs.existsSync(path.join(tenantDirs(dirs, A).dataDir, 'main', 'keys', 'By Key.md')), 'nothing deleted');
    const creds = await (await import('../../app/tenant/mount/credentials/route.ts')).POST(new Request(`${APP}/tenant/mount/credentials`, { method: 'POST', headers: bearer(key) }));
    assert.equal(creds.status, 403);
    // The trash and app passwords are writes too: restoring or purging a trashed note, or minting a WebDAV password.
    const id = '00000000-0000-4000-8000-000000000000';
    const trashRestore = await (await import('../../app/api/tenant/trash/[id]/restore/route.ts')).POST(
      new Request(`${APP}/api/tenant/trash/${id}/restore`, { method: 'POST', headers: bearer(key) }), { params: Promise.resolve({ id }) });
    assert.equal(trashRestore.status, 403);
    const trashPurge = await (await import('../../app/api/tenant/trash/[id]/route.ts')).DELETE(
      new Request(`${APP}/api/tenant/trash/${id}`, { method: 'DELETE', headers: bearer(key) }), { params: Promise.resolve({ id }) });
    assert.equal(trashPurge.status, 403);
    const appPassword = await (await import('../../app/api/app-passwords/route.ts')).POST(
      new Request(`${APP}/api/app-passwords`, { method: 'POST', headers: { ...json, ...bearer(key) }, body: JSON.stringify({ name: 'escalate' }) }), {});
    assert.ok(appPassword.status === 401 || appPassword.status === 403, `app password with a read-only key: ${appPassword.status}`);
  });

  test('malformed, unknown and revoked keys are 401 {"detail"}; revocation applies to the very next request', async () => {
    for (const bad of ['bmc_short', 'bmc_' + 'A'.repeat(43), 'bmc_' + 'A'.repeat(44)]) {
      const r = await raw(port, 'GET', '/proxy/projects/projects', bearer(bad));
      assert.equal(r.status, 401, bad);
      assert.equal(JSON.parse(r.body).detail, 'Invalid or revoked API key.');
      assert.match(r.headers['www-authenticate'] as string, /^Bearer/);
    }
    const { key, id } = await (await createKey(aliceToken, { name: 'doomed' })).json() as { key: string; id: string };
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', bearer(key))).status, 200);
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', bearer(key))).status, 200, 'served from the cache');
    // Bob cannot revoke Alice's key.
    const bobDel = await keyRoute.DELETE(new Request(`${APP}/api/keys/${id}`, { method: 'DELETE', headers: bearer(bobToken) }), { params: Promise.resolve({ id }) });
    assert.equal(bobDel.status, 404);
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', bearer(key))).status, 200);
    const del = await keyRoute.DELETE(new Request(`${APP}/api/keys/${id}`, { method: 'DELETE', headers: bearer(aliceToken) }), { params: Promise.resolve({ id }) });
    assert.equal(del.status, 200);
    const next = await raw(port, 'GET', '/proxy/projects/projects', bearer(key));
    assert.equal(next.status, 401);
    assert.equal((await raw(port, 'PROPFIND', '/proxy/webdav/main/', { ...bearer(key), depth: '0' })).status, 401);
    assert.equal((await workspaces(key)).status, 401);
  });

  test('GET /workspaces/ answers upstream\'s WorkspaceListResponse; X-Workspace-ID selects one of the caller\'s, refuses others', async () => {
    const res = await workspaces(aliceToken);
    assert.equal(res.status, 200);
    const body = await res.json() as Record<string, any>;
    assert.deepEqual(Object.keys(body).sort(), ['count', 'current_workspace_id', 'default_workspace_id', 'workspaces']);
    assert.equal(body.count, 1);
    assert.equal(body.default_workspace_id, A);
    const w = body.workspaces[0];
    assert.deepEqual(Object.keys(w).sort(), ['has_active_subscription', 'is_default', 'name', 'organization_id', 'role', 'slug', 'tenant_id', 'workspace_type']);
    assert.equal(w.tenant_id, A);
    assert.equal(w.workspace_type, 'personal');
    assert.match(w.slug, /^[a-z0-9_-]+$/);
    assert.equal(w.role, 'owner');
    assert.equal(w.is_default, true);
    assert.equal(w.has_active_subscription, true);
    // Naming one's own workspace (and its slug/type) is fine everywhere; another person's is a 404, a malformed id a 400.
    const own = { 'x-workspace-id': A, 'x-basic-memory-workspace-slug': w.slug, 'x-basic-memory-workspace-type': 'personal' };
    assert.equal((await workspaces(aliceToken, own)).status, 200);
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(aliceToken), ...own })).status, 200);
    const foreign = await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(aliceToken), 'x-workspace-id': B });
    assert.equal(foreign.status, 404);
    assert.deepEqual(JSON.parse(foreign.body), { detail: `Workspace '${B}' not found.` });
    assert.equal((await workspaces(aliceToken, { 'x-workspace-id': B })).status, 404);
    assert.equal((await mountInfoRoute.GET(new Request(`${APP}/tenant/mount/info`, { headers: { ...bearer(aliceToken), 'x-workspace-id': B } }))).status, 404);
    assert.equal((await raw(port, 'PROPFIND', '/proxy/webdav/main/', { ...bearer(aliceToken), depth: '0', 'x-workspace-id': B })).status, 404);
    const malformed = await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(aliceToken), 'x-workspace-id': 'not-a-uuid' });
    assert.equal(malformed.status, 400);
    const wrongSlug = await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(aliceToken), 'x-basic-memory-workspace-slug': 'someone-else', 'x-basic-memory-workspace-type': 'personal' });
    assert.equal(wrongSlug.status, 404);
    const halfPair = await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(aliceToken), 'x-basic-memory-workspace-slug': w.slug });
    assert.equal(halfPair.status, 400);
    // A second workspace of Alice's (a team, later) is reachable by its id with her CLI token, not with a key made for A.
    await h.db.insert(memberships).values({ userId: aliceId, tenantId: B, role: 'member' });
    const both = await (await workspaces(aliceToken)).json() as { workspaces: Array<{ tenant_id: string; is_default: boolean; role: string }> };
    assert.deepEqual(both.workspaces.map((x) => [x.tenant_id, x.is_default, x.role]), [[A, true, 'owner'], [B, false, 'member']]);
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(aliceToken), 'x-workspace-id': B })).status, 200);
    const { key } = await (await createKey(aliceToken, { name: 'only-a' })).json() as { key: string };
    assert.equal((await raw(port, 'GET', '/proxy/projects/projects', { ...bearer(key), 'x-workspace-id': B })).status, 404);
    await h.db.delete(memberships).where(eq(memberships.tenantId, B)).execute();
    await h.db.insert(memberships).values({ userId: (await h.db.select().from(users).where(eq(users.subject, 'bob')))[0]!.id, tenantId: B, role: 'owner' });
  });

  test('keys never reach the logs: the logger censors key, Authorization and cookie fields', () => {
    const lines: string[] = [];
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
    const key = 'bmc_' + 'z'.repeat(43);
    log.info({ created: { key, name: 'n' }, req: { headers: { authorization: `Bearer ${key}`, cookie: 'c' } } }, 'api key created');
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes(key), lines[0]);
    assert.match(lines[0]!, /\[redacted\]/);
  });
});
