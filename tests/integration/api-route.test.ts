// The route wrapper of app/api (lib/http/api-route.ts) on real Postgres: who may call (session, token, API key,
// role, hidden routes), Origin on cookie writes, the tenant from the principal only, memory scopes, zod parsing
// of params/query/body with their refusals, `{"detail"}` errors without stacks, and no-store on every answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { memberships, users } from '../../lib/db/schema.ts';
import { createApiKey } from '../../lib/auth/api-keys.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { hashSecret } from '../../lib/auth/tokens.ts';
import { apiRoute, issueList } from '../../lib/http/api-route.ts';
import type { PrincipalDeps } from '../../lib/auth/principal.ts';

const APP = 'http://bmc.test';
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

describe('apiRoute (postgres)', () => {
  let h: TestDatabase;
  let session: string | null = null;
  let deps: PrincipalDeps;
  let alice: string;
  let lonely: string;
  let ops: string;
  let tenantA: string;
  let token: string;
  let readKey: string;

  async function user(label: string, role: 'user' | 'ops' | 'admin' = 'user', tenantId?: string) {
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: `${label}-${randomBytes(4).toString('hex')}`, email: `${label}@example.test`, role }).returning();
    if (tenantId) await h.db.insert(memberships).values({ userId: u!.id, tenantId, role: 'owner' });
    return u!.id;
  }

  before(async () => {
    h = await freshDatabase('postgres');
    deps = { db: h.db, getSessionUserId: async () => session };
    tenantA = await createTenantRow(h.db, 'alice');
    alice = await user('alice', 'user', tenantA);
    lonely = await user('lonely');
    ops = await user('ops', 'ops');
    const s = await insertCliSession(h.db, { userId: alice, tenantId: tenantA, clientId: 'bmc-cli', scope: 'openid offline_access' });
    token = `bmat_${randomBytes(24).toString('base64url')}`;
    await insertAccessToken(h.db, hashSecret(token), s.id, new Date(Date.now() + 3600_000), new Date());
    readKey = (await createApiKey(h.db, { userId: alice, tenantId: tenantA, name: 'ro', scope: 'read_only' }, { ip: null, userAgent: null }))!.secret;
  });
  after(async () => { await h?.close(); });

  const call = (route: (req: Request, c: ReturnType<typeof ctx>) => Promise<Response>, method: string, path: string,
    o: { headers?: Record<string, string>; body?: string; params?: Record<string, string> } = {}) =>
    route(new Request(APP + path, { method, headers: o.headers, body: o.body }), ctx(o.params));

  test('principal: 401 {"detail"} without credentials, the tenant from the principal, no-store on answers and errors', async () => {
    const route = apiRoute({ deps, tenant: 'own' }, async ({ tenant, principal }) => ({ tenant: tenant.id, via: principal.via }));
    session = null;
    const anon = await call(route, 'GET', '/api/x');
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal(anon.headers.get('cache-control'), 'no-store');
    assert.equal(typeof (await anon.json()).detail, 'string');
    session = alice;
    const ok = await call(route, 'GET', `/api/x?tenant_id=00000000-0000-4000-8000-000000000000`, { headers: { 'x-tenant-id': 'other' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await ok.json(), { tenant: tenantA, via: 'session' }, 'the request cannot name another tenant');
    session = lonely;
    const none = await call(route, 'GET', '/api/x');
    assert.equal(none.status, 404);
    assert.deepEqual(await none.json(), { detail: 'No tenant for this account.' });
  });

  test('Origin: cookie writes need our origin, Bearer writes do not; `via` limits the ways in', async () => {
    const route = apiRoute({ deps }, async ({ principal }) => ({ via: principal.via }));
    session = alice;
    assert.equal((await call(route, 'POST', '/api/x')).status, 403, 'no Origin');
    assert.equal((await call(route, 'DELETE', '/api/x', { headers: { origin: 'https://evil.test' } })).status, 403, 'foreign Origin');
    assert.equal((await call(route, 'POST', '/api/x', { headers: { origin: APP } })).status, 200);
    assert.equal((await call(route, 'GET', '/api/x')).status, 200, 'reads need no Origin');
    session = null;
    const tok = await call(route, 'POST', '/api/x', { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await tok.json(), { via: 'token' });
    const sessionOnly = apiRoute({ deps, via: ['session'] }, async () => ({}));
    assert.equal((await call(sessionOnly, 'GET', '/api/x', { headers: { authorization: `Bearer ${token}` } })).status, 401);
    const bad = await call(route, 'GET', '/api/x', { headers: { authorization: 'Bearer bmat_nope' } });
    assert.equal(bad.status, 401);
  });

  test('roles: others get 404; hidden routes answer 404 to signed-out callers too', async () => {
    const admin = apiRoute({ deps, role: 'admin' }, async () => ({ ok: true }));
    const opsOnly = apiRoute({ deps, role: 'ops', hidden: true }, async () => ({ ok: true }));
    session = null;
    assert.equal((await call(admin, 'GET', '/api/x')).status, 401);
    assert.equal((await call(opsOnly, 'GET', '/api/x')).status, 404);
    assert.equal((await call(opsOnly, 'GET', '/api/x', { headers: { authorization: 'Bearer bmat_nope' } })).status, 404);
    session = alice;
    assert.equal((await call(admin, 'GET', '/api/x')).status, 404);
    assert.equal((await call(opsOnly, 'GET', '/api/x')).status, 404);
    session = ops;
    assert.equal((await call(opsOnly, 'GET', '/api/x')).status, 200);
    assert.equal((await call(admin, 'GET', '/api/x')).status, 404, 'ops is not admin');
  });

  test('memory scope: a read-only API key is refused a write (403), allowed a read', async () => {
    session = null;
    const write = apiRoute({ deps, tenant: 'own', scope: 'memory:write' }, async () => ({ ok: true }));
    const read = apiRoute({ deps, tenant: 'own', scope: 'memory:read' }, async () => ({ ok: true }));
    const auth = { authorization: `Bearer ${readKey}` };
    const refused = await call(write, 'POST', '/api/x', { headers: auth });
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), { detail: 'This credential lacks the memory:write scope.' });
    assert.equal((await call(read, 'GET', '/api/x', { headers: auth })).status, 200);
    assert.equal((await call(write, 'POST', '/api/x', { headers: { authorization: `Bearer ${token}` } })).status, 200, 'CLI tokens are unscoped');
  });

  test('zod: params that name nothing are 404; bad query and body 422; a body that is not JSON 400; empty body is {}', async () => {
    session = null;
    const auth = { authorization: `Bearer ${token}` };
    const route = apiRoute({
      deps,
      params: z.object({ id: z.uuid() }),
      query: z.object({ limit: z.coerce.number().int().max(10).default(5) }),
      body: z.object({ name: z.string({ error: 'name is required' }).min(1, 'name is required') }),
      bodyExample: '{"name": "…"}',
    }, async ({ params, query, body }) => Response.json({ id: params.id, limit: query.limit, name: body.name }, { status: 201 }));
    const id = '00000000-0000-4000-8000-000000000001';
    const ok = await call(route, 'POST', '/api/x?limit=3', { headers: auth, body: '{"name":"n"}', params: { id } });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await ok.json(), { id, limit: 3, name: 'n' });
    assert.deepEqual(await (await call(route, 'POST', '/api/x', { headers: auth, body: 'x', params: { id: 'nope' } })).json(), { detail: 'Not found.' });
    const q = await call(route, 'POST', '/api/x?limit=99', { headers: auth, body: '{"name":"n"}', params: { id } });
    assert.equal(q.status, 422);
    const notJson = await call(route, 'POST', '/api/x', { headers: auth, body: '{', params: { id } });
    assert.equal(notJson.status, 400);
    assert.deepEqual(await notJson.json(), { detail: 'The body must be JSON: {"name": "…"}.' });
    const empty = await call(route, 'POST', '/api/x', { headers: auth, params: { id } });
    assert.equal(empty.status, 422);
    assert.deepEqual(await empty.json(), { detail: 'name is required' });
    const listed = apiRoute({ deps, body: z.object({ n: z.number() }), invalid: { body: issueList } }, async () => ({}));
    const l = await call(listed, 'POST', '/api/x', { headers: auth, body: '{"n":"x"}' });
    assert.equal(l.status, 422);
    assert.deepEqual((await l.json()).detail[0].loc, ['body', 'n']);
  });

  test('a thrown non-HTTP error is a bare 500 {"detail"}, never a stack', async () => {
    session = null;
    const route = apiRoute({ deps }, async () => { throw new Error('secret internals at /srv/app/lib/x.ts:12'); });
    const logged = console.error;
    console.error = () => {};
    try {
      const r = await call(route, 'GET', '/api/x', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 500);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const text = await r.text();
      assert.deepEqual(JSON.parse(text), { detail: 'Internal server error.' });
      assert.doesNotMatch(text, /secret|\.ts/);
    } finally {
      console.error = logged;
    }
  });
});
