// The upstream note API (v1 content routes, 0.16.3+ project items, v2 routes) through the tenant proxy core to
// real supervised tenant processes (real Postgres): what the upstream CLI and the notes browser call.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { handleTenantProxy, type TenantProxyCaller, type TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';

const APP = 'http://localhost:5399';
const json = { 'content-type': 'application/json' };

describe('note API through the proxy (postgres, real tenants)', () => {
  let h: TestDatabase;
  const dirs = tempRoot();
  let sup: ReturnType<typeof makeSupervisor>;
  let A: string;
  let B: string;
  let d: TenantProxyDeps;
  const call = (caller: TenantProxyCaller, method: string, p: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    handleTenantProxy(new Request(APP + p, { method, ...init, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit), caller, d);
  before(async () => {
    h = await freshDatabase('postgres');
    A = await createTenantRow(h.db, 'alice');
    B = await createTenantRow(h.db, 'bob');
    sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'proxy-notes-test', settings: { backoffBaseMs: 1500 } });
    sup.start();
    for (const id of [A, B]) await waitFor('running', async () => (await tenantState(h.db, id)).tenant.status === 'running', 90_000);
    d = { getRoute: (id) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: APP, subscribeUrl: 'https://example.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 10_000 };
  });
  after(async () => { await sup.stop(); await h.close(); dirs.cleanup(); });

  test('write, edit with If-Match/ETag, read, build context, recent; v2 resolve and content routes; bob never reaches them', async () => {
    const alice: TenantProxyCaller = { tenantId: A, via: 'bearer' };
    const bob: TenantProxyCaller = { tenantId: B, via: 'bearer' };
    const list = await (await call(alice, 'GET', '/proxy/projects/projects')).json();
    const main = list.projects.find((p: any) => p.name === 'main');
    assert.ok(Number.isInteger(main.id) && /^[0-9a-f-]{36}$/.test(main.external_id), JSON.stringify(main));

    const put = await call(alice, 'PUT', '/proxy/main/knowledge/entities/inbox/agent-note', { headers: json,
      body: JSON.stringify({ title: 'Agent Note', folder: 'inbox', content: '# Agent Note\n\n- [idea] remember the okapi #zoo\n- relates_to [[Second Note]]\n' }) });
    assert.equal(put.status, 201, await put.clone().text());
    await call(alice, 'PUT', '/proxy/main/knowledge/entities/inbox/second-note', { headers: json, body: JSON.stringify({ title: 'Second Note', folder: 'inbox', content: 'second\n' }) });
    const got = await call(alice, 'GET', '/proxy/main/knowledge/entities/inbox/agent-note');
    assert.equal(got.status, 200);
    const etag = got.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9a-f]{64}"$/, 'the ETag comes back through the proxy');
    const edit = await call(alice, 'PATCH', '/proxy/main/knowledge/entities/inbox/agent-note', { headers: { ...json, 'if-match': etag! },
      body: JSON.stringify({ operation: 'append', content: 'appended through the proxy' }) });
    assert.equal(edit.status, 200, await edit.clone().text());
    const stale = await call(alice, 'PATCH', '/proxy/main/knowledge/entities/inbox/agent-note', { headers: { ...json, 'if-match': etag! },
      body: JSON.stringify({ operation: 'append', content: 'must not land' }) });
    assert.equal(stale.status, 412, 'the If-Match header reaches the tenant');
    const raw = await (await call(alice, 'GET', '/proxy/main/resource/inbox/agent-note')).text();
    assert.match(raw, /appended through the proxy/);
    assert.doesNotMatch(raw, /must not land/);
    const ctx = await (await call(alice, 'GET', '/proxy/main/memory/inbox/agent-note?depth=2')).json();
    assert.ok(ctx.results[0].related_results.some((r: any) => r.title === 'Second Note'));
    const recent = await (await call(alice, 'GET', '/proxy/main/memory/recent?type=entity&timeframe=1d')).json();
    assert.ok(recent.results.length >= 2);

    const resolved = await call(alice, 'POST', '/proxy/v2/projects/resolve', { headers: json, body: JSON.stringify({ identifier: 'main' }) });
    assert.equal(resolved.status, 200);
    const ext = (await resolved.json()).external_id;
    assert.equal(ext, main.external_id);
    const v2ctx = await call(alice, 'GET', `/proxy/v2/projects/${ext}/memory/inbox/agent-note`);
    assert.equal(v2ctx.status, 200);
    const ent = await call(alice, 'POST', `/proxy/v2/projects/${ext}/knowledge/resolve`, { headers: json, body: JSON.stringify({ identifier: 'inbox/agent-note' }) });
    const entId = (await ent.json()).external_id;
    const v2get = await call(alice, 'GET', `/proxy/v2/projects/${ext}/knowledge/entities/${entId}`);
    assert.equal((await v2get.json()).title, 'Agent Note');
    const idx = await call(alice, 'POST', `/proxy/v2/projects/${ext}/index?run_in_background=false`);
    assert.equal(idx.status, 200);
    assert.ok('total_files' in (await idx.json()));
    // the v0.22.1 routes beyond notes by id, and search filters, pass the proxy unchanged
    const graph = await (await call(alice, 'GET', `/proxy/v2/projects/${ext}/knowledge/graph`)).json();
    assert.ok(graph.edges.some((e: any) => e.from_id === entId && e.relation_type === 'relates_to'), JSON.stringify(graph));
    const created = await call(alice, 'POST', `/proxy/v2/projects/${ext}/resource`, { headers: json, body: JSON.stringify({ file_path: 'inbox/board.canvas', content: '{}' }) });
    assert.equal(created.status, 200, await created.clone().text());
    const obs = await (await call(alice, 'POST', `/proxy/v2/projects/${ext}/search/`, { headers: json,
      body: JSON.stringify({ text: 'okapi', entity_types: ['observation'] }) })).json();
    assert.deepEqual(obs.results.map((r: any) => [r.type, r.category]), [['observation', 'idea']]);

    // Bob's principal maps to Bob's tenant: Alice's note and her project's external id are unknown there.
    assert.equal((await call(bob, 'GET', '/proxy/main/knowledge/entities/inbox/agent-note')).status, 404);
    assert.equal((await call(bob, 'GET', `/proxy/v2/projects/${ext}/memory/inbox/agent-note`)).status, 404);
    assert.equal((await call(bob, 'POST', '/proxy/main/knowledge/entities/delete', { headers: json, body: JSON.stringify({ permalinks: ['inbox/agent-note'] }) })).status, 200);
    const still = await call(alice, 'GET', '/proxy/main/knowledge/entities/inbox/agent-note');
    assert.equal(still.status, 200, "bob's delete touched his own (empty) tenant only");
  });
});
