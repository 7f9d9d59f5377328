// Upstream's snapshot API (/api/bucket-snapshots…, bm cloud snapshot|restore) on real route handlers, real
// Postgres, real supervised tenant processes and Debian's real restic: create, list, show, browse, restore a file
// (the replaced version lands in the trash) and a folder, delete; another person's snapshot is a 404 everywhere;
// the schedule takes a snapshot when one is due, and snapshot health follows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { AUTH_SECRET, createTenantRow, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';
import { memberships, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { hashSecret } from '../../lib/auth/tokens.ts';
import { resetConfigForTests, getConfig } from '../../lib/config/index.ts';
import { closeDb } from '../../lib/db/index.ts';
import { snapshotHealthByTenant } from '../../lib/db/queries/snapshot-runs.ts';
import { SnapshotScheduler } from '../../lib/snapshots/snapshot-scheduler.ts';
import type { PrincipalDeps } from '../../lib/auth/principal.ts';
import { snapshotRoutes } from '../../lib/snapshots/snapshot-routes.ts';
import { readWriteVersion, restoreWriteVersion, writeVersions } from '../../lib/snapshots/write-history.ts';
import { tenantApi } from '../../lib/mcp/tenant-api.ts';

const APP = 'http://localhost:5397';

// the route files' exports, with the principal resolved from this test's database (no next-auth cookie here)
let deps: PrincipalDeps;
type Route = ReturnType<typeof snapshotRoutes>['list'];
const late = (pick: (r: ReturnType<typeof snapshotRoutes>) => Route): Route => (req, ctx) => pick(snapshotRoutes(deps))(req, ctx);
const list = { GET: late((r) => r.list), POST: late((r) => r.create) };
const one = { GET: late((r) => r.show), DELETE: late((r) => r.remove) };
const browse = { GET: late((r) => r.browse) };
const restore = { POST: late((r) => r.restore) };
const file = { GET: late((r) => r.file) };

describe('snapshot API (postgres, real tenants, real restic)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-snap-');
  let sup: ReturnType<typeof makeSupervisor>;
  let A: string;
  let B: string;
  let alice: string;
  let bob: string;
  const saved = { ...process.env };

  async function tokenFor(tenantId: string, label: string): Promise<string> {
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: `${label}-${randomBytes(4).toString('hex')}`, email: `${label}@example.test` }).returning();
    await h.db.insert(memberships).values({ userId: u!.id, tenantId, role: 'owner' });
    const s = await insertCliSession(h.db, { userId: u!.id, tenantId, clientId: 'bmc-cli', scope: 'openid offline_access' });
    const token = `bmat_${randomBytes(24).toString('base64url')}`;
    await insertAccessToken(h.db, hashSecret(token), s.id, new Date(Date.now() + 3600_000), new Date());
    return token;
  }

  const req = (token: string, method: string, p: string, body?: unknown) =>
    new Request(APP + p, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const params = (id: string) => ({ params: Promise.resolve({ id }) });
  const dataOf = (tenantId: string) => path.join(dirs.dataRoot, tenantId, 'data');

  before(async () => {
    h = await freshDatabase('postgres');
    deps = { db: h.db, getSessionUserId: async () => null };
    Object.assign(process.env, { DATABASE_URL: h.url, AUTH_SECRET, APP_URL: APP, BMC_DATA_DIR: dirs.root, TENANT_DATA_ROOT: dirs.dataRoot, TENANT_INDEX_ROOT: dirs.indexRoot, SNAPSHOT_TIMEOUT_SECONDS: '120' });
    resetConfigForTests();
    await closeDb();
    A = await createTenantRow(h.db, 'alice');
    B = await createTenantRow(h.db, 'bob');
    alice = await tokenFor(A, 'alice');
    bob = await tokenFor(B, 'bob');
    sup = makeSupervisor(h.db, makeDriver(dirs, undefined, { snapshots: { repositoryTemplate: null } }), { holderId: 'snapshots-test', settings: { backoffBaseMs: 1500 } });
    sup.start();
    for (const id of [A, B]) await waitFor('running', async () => (await tenantState(h.db, id)).tenant.status === 'running', 90_000);
    const main = path.join(dataOf(A), 'main');
    fs.mkdirSync(path.join(main, 'research', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(main, 'Plan.md'), '# Plan\n\nthe first plan\n');
    fs.writeFileSync(path.join(main, 'research', 'Paper.md'), '# Paper\n\nfindings\n');
    fs.writeFileSync(path.join(main, 'research', 'deep', 'Notes.md'), '# Notes\n\ndeep notes\n');
  });
  after(async () => {
    await sup?.stop();
    await closeDb();
    await h?.close();
    dirs.cleanup();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    resetConfigForTests();
  });

  let snap: any;

  test('create → list → show → browse with a prefix, in upstream shapes; the repository password is 0600', async () => {
    const created = await list.POST(req(alice, 'POST', '/api/bucket-snapshots', { description: 'before the agent ran' }), undefined as never);
    assert.equal(created.status, 201, await created.clone().text());
    snap = await created.json();
    assert.match(snap.id, /^[0-9a-f-]{36}$/);
    assert.match(snap.snapshot_version, /^[0-9a-f]{8}$/);
    assert.equal(snap.description, 'before the agent ran');
    assert.equal(snap.name, 'before the agent ran');
    assert.equal(snap.auto, false);
    assert.ok(snap.files >= 3 && snap.bytes_added > 0, JSON.stringify(snap));
    assert.ok(!Number.isNaN(Date.parse(snap.created_at)));
    const pw = fs.statSync(path.join(dirs.dataRoot, A, 'snapshots', 'password'));
    assert.equal(pw.mode & 0o777, 0o600);

    const listed = await (await list.GET(req(alice, 'GET', '/api/bucket-snapshots'), undefined as never)).json();
    assert.equal(listed.total, 1);
    assert.equal(listed.snapshots[0].id, snap.id);
    const shown = await one.GET(req(alice, 'GET', `/api/bucket-snapshots/${snap.id}`), params(snap.id));
    assert.equal((await shown.json()).snapshot_version, snap.snapshot_version);
    const b = await browse.GET(req(alice, 'GET', `/api/bucket-snapshots/${snap.id}/browse?prefix=main/research/`), params(snap.id));
    assert.equal(b.status, 200, await b.clone().text());
    const body = await b.json();
    assert.deepEqual(body.files.map((f: any) => f.key).sort(), ['main/research/Paper.md', 'main/research/deep/Notes.md']);
    assert.equal(body.prefix, 'main/research/');
    assert.equal(body.snapshot_version, snap.snapshot_version);
    assert.ok(body.files.every((f: any) => f.size > 0 && !Number.isNaN(Date.parse(f.last_modified)) && f.etag === null));
    const f = await file.GET(req(alice, 'GET', `/api/bucket-snapshots/${snap.id}/file?path=main/Plan.md`), params(snap.id));
    assert.equal(await f.text(), '# Plan\n\nthe first plan\n');
  });

  test('restore an overwritten note (the overwrite goes to the trash) and a deleted folder', async () => {
    const main = path.join(dataOf(A), 'main');
    fs.writeFileSync(path.join(main, 'Plan.md'), '# Plan\n\nan agent replaced it\n');
    fs.rmSync(path.join(main, 'research'), { recursive: true });
    const r1 = await restore.POST(req(alice, 'POST', `/api/bucket-snapshots/${snap.id}/restore`, { path: '/main/Plan.md' }), params(snap.id));
    assert.equal(r1.status, 200, await r1.clone().text());
    const b1 = await r1.json();
    assert.deepEqual(b1.restored, ['main/Plan.md']);
    assert.equal(b1.snapshot_id, snap.id);
    assert.equal(b1.snapshot_version, snap.snapshot_version);
    assert.equal(b1.replaced.length, 1);
    assert.equal(fs.readFileSync(path.join(main, 'Plan.md'), 'utf8'), '# Plan\n\nthe first plan\n');
    const trashed = path.join(dataOf(A), '.basic-memory', 'trash', b1.replaced[0].trash_id, 'payload', 'Plan.md');
    assert.equal(fs.readFileSync(trashed, 'utf8'), '# Plan\n\nan agent replaced it\n');

    const r2 = await restore.POST(req(alice, 'POST', `/api/bucket-snapshots/${snap.id}/restore`, { path: 'main/research/' }), params(snap.id));
    assert.equal(r2.status, 200, await r2.clone().text());
    assert.deepEqual((await r2.json()).restored.sort(), ['main/research/Paper.md', 'main/research/deep/Notes.md']);
    assert.equal(fs.readFileSync(path.join(main, 'research', 'deep', 'Notes.md'), 'utf8'), '# Notes\n\ndeep notes\n');

    const missing = await restore.POST(req(alice, 'POST', `/api/bucket-snapshots/${snap.id}/restore`, { path: 'main/never.md' }), params(snap.id));
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).detail, /not in snapshot/);
    const bad = await restore.POST(req(alice, 'POST', `/api/bucket-snapshots/${snap.id}/restore`, { nope: 1 }), params(snap.id));
    assert.equal(bad.status, 422);
    assert.ok((await bad.json()).detail);
  });

  test('the history kept at each write: the restore above kept what it replaced (by the browser), an MCP write names its client, restore this version; never another person\'s', async () => {
    const main = path.join(dataOf(A), 'main');
    let w = await writeVersions(A, 'main/Plan.md');
    assert.equal(w[0]?.reason, 'restore', JSON.stringify(w));
    assert.equal(w[0]?.actor, 'browser');
    assert.equal((await readWriteVersion(A, 'main/Plan.md', w[0]!.id)).toString('utf8'), '# Plan\n\nan agent replaced it\n');
    const mcp = await tenantApi(A, undefined, undefined, 'Claude Desktop').raw('PUT', '/main/resource/Plan.md', '# Plan\n\nwritten by an agent over MCP\n');
    assert.ok(mcp.status < 300, mcp.text);
    w = await writeVersions(A, 'main/Plan.md');
    assert.equal(w[0]?.reason, 'overwrite');
    assert.equal(w[0]?.actor, 'MCP: Claude Desktop');
    assert.equal((await readWriteVersion(A, 'main/Plan.md', w[0]!.id)).toString('utf8'), '# Plan\n\nthe first plan\n');
    const back = await restoreWriteVersion(A, 'main/Plan.md', w[0]!.id);
    assert.equal(back.file_path, 'Plan.md');
    assert.equal(fs.readFileSync(path.join(main, 'Plan.md'), 'utf8'), '# Plan\n\nthe first plan\n');
    w = await writeVersions(A, 'main/Plan.md');
    assert.equal(w[0]?.reason, 'restore');
    assert.equal((await readWriteVersion(A, 'main/Plan.md', w[0]!.id)).toString('utf8'), '# Plan\n\nwritten by an agent over MCP\n');
    // kept beside the tenant's data, not in the person's folder
    assert.ok(fs.readdirSync(path.join(dirs.dataRoot, A, 'history')).length > 0);
    // another person: nothing of Alice's history, and her version ids name nothing there
    assert.deepEqual(await writeVersions(B, 'main/Plan.md'), []);
    await assert.rejects(readWriteVersion(B, 'main/Plan.md', w[0]!.id), (e: any) => e.status === 404);
    await assert.rejects(restoreWriteVersion(B, 'main/Plan.md', w[0]!.id), (e: any) => e.status === 404);
  });

  test("another person's snapshot id is a 404 everywhere, and never listed", async () => {
    assert.equal((await (await list.GET(req(bob, 'GET', '/api/bucket-snapshots'), undefined as never)).json()).total, 0);
    for (const r of [
      await one.GET(req(bob, 'GET', `/api/bucket-snapshots/${snap.id}`), params(snap.id)),
      await browse.GET(req(bob, 'GET', `/api/bucket-snapshots/${snap.id}/browse`), params(snap.id)),
      await file.GET(req(bob, 'GET', `/api/bucket-snapshots/${snap.id}/file?path=main/Plan.md`), params(snap.id)),
      await restore.POST(req(bob, 'POST', `/api/bucket-snapshots/${snap.id}/restore`, { path: 'main/Plan.md' }), params(snap.id)),
      await one.DELETE(req(bob, 'DELETE', `/api/bucket-snapshots/${snap.id}`), params(snap.id)),
      await one.GET(req(alice, 'GET', '/api/bucket-snapshots/not-a-uuid'), params('not-a-uuid')),
    ]) {
      assert.equal(r.status, 404);
      assert.deepEqual(await r.json(), { detail: 'Snapshot not found' });
    }
    assert.ok(!fs.existsSync(path.join(dataOf(B), 'main', 'Plan.md')), 'nothing of alice reached bob');
    const anon = await list.GET(new Request(APP + '/api/bucket-snapshots'), undefined as never);
    assert.equal(anon.status, 401);
  });

  test('the schedule takes a snapshot when one is due, health follows, and delete removes it', async () => {
    const scheduler = new SnapshotScheduler({ db: h.db, config: getConfig().snapshots, onlyHeldBy: 'snapshots-test', log: () => {} });
    await scheduler.tick();
    const listed = await (await list.GET(req(alice, 'GET', '/api/bucket-snapshots'), undefined as never)).json();
    assert.equal(listed.total, 2, JSON.stringify(listed));
    assert.equal(listed.snapshots[0].auto, true);
    assert.equal((await (await list.GET(req(bob, 'GET', '/api/bucket-snapshots'), undefined as never)).json()).total, 1, "bob's tenant is snapshotted too");
    await scheduler.tick();
    assert.equal((await (await list.GET(req(alice, 'GET', '/api/bucket-snapshots'), undefined as never)).json()).total, 2, 'not due again within the slot');
    const health = (await snapshotHealthByTenant(h.db, [A])).get(A)!;
    assert.ok(health.lastGoodAt && Date.now() - health.lastGoodAt.getTime() < 120_000);
    assert.ok((health.repositoryBytes ?? 0) > 0);
    assert.equal(health.failuresSinceGood, 0);

    const del = await one.DELETE(req(alice, 'DELETE', `/api/bucket-snapshots/${snap.id}`), params(snap.id));
    assert.equal(del.status, 200, await del.clone().text());
    assert.equal((await one.GET(req(alice, 'GET', `/api/bucket-snapshots/${snap.id}`), params(snap.id))).status, 404);
    assert.equal((await (await list.GET(req(alice, 'GET', '/api/bucket-snapshots'), undefined as never)).json()).total, 1);
  });
});
