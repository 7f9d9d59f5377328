// Upstream route shapes and status codes (contract §3.1-3.2) against a real tenant process.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { rawRequest, startTenant, tempDir, waitFor, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-routes-');
let t: Tenant;

// Project items carry id + external_id (0.16.3+ clients need them; proven in v2-routes.test.ts). The shapes below
// are upstream v0.16's, so each item's identity is checked here and then left out of the comparison.
function withoutIds(v: any): any {
  if (Array.isArray(v)) return v.map(withoutIds);
  if (v && typeof v === 'object') {
    const out: any = {};
    const isItem = 'name' in v && 'path' in v && 'is_default' in v;
    if (isItem) {
      assert.ok(Number.isInteger(v.id) && v.id > 0, `project item id: ${JSON.stringify(v)}`);
      assert.match(v.external_id, /^[0-9a-f-]{36}$/);
    }
    for (const [k, x] of Object.entries(v)) if (!(isItem && (k === 'id' || k === 'external_id'))) out[k] = withoutIds(x);
    return out;
  }
  return v;
}
function stripIdsOf(tenant: Tenant): Tenant {
  const json = tenant.json;
  tenant.json = async (...a) => { const r = await json(...a); r.body = withoutIds(r.body); return r; };
  return tenant;
}
const REPORT_KEYS = ['checksums', 'deleted', 'modified', 'moves', 'new', 'skipped_files', 'total'];
const STATUS_KEYS = ['default', 'message', 'new_project', 'old_project', 'status'];
const keys = (o: object) => Object.keys(o).sort();
const signed = (method: string, p: string) => signRequest({ secret: t.secret, tenantId: t.tenantId, method, pathAndQuery: p });

before(async () => {
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'main', 'notes'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'main', 'notes', 'alpha.md'), '---\ntitle: Alpha\n---\n# Alpha\n\n- [idea] zebra crossing #traffic\n- relates_to [[Beta]]\n');
  fs.writeFileSync(path.join(dataDir, 'main', 'beta.md'), '# Beta\n\nNothing about zebras here.\n');
  t = stripIdsOf(await startTenant({ dataDir }));
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('projects routes', () => {
  test('GET /projects/projects → ProjectList', async () => {
    const r = await t.json('GET', '/projects/projects');
    assert.equal(r.status, 200);
    assert.deepEqual(keys(r.body), ['default_project', 'projects']);
    assert.deepEqual(r.body.projects, [{ name: 'main', path: '/main', is_default: true }]);
    assert.equal(r.body.default_project, 'main');
  });

  test('POST /projects/projects: 201 new (path = /permalink whatever the body says), 200 again, 400 conflict, 422 invalid', async () => {
    const created = await t.json('POST', '/projects/projects', { name: 'Research Notes', path: '/somewhere/else', local_sync_path: '/x', set_default: false });
    assert.equal(created.status, 201);
    assert.deepEqual(keys(created.body), STATUS_KEYS);
    assert.deepEqual(created.body, {
      message: "Project 'Research Notes' added successfully", status: 'success', default: false, old_project: null,
      new_project: { name: 'Research Notes', path: '/research-notes', is_default: false },
    });
    assert.ok(fs.statSync(path.join(t.dataDir, 'research-notes')).isDirectory());
    const again = await t.json('POST', '/projects/projects', { name: 'Research Notes', path: 'research-notes', set_default: false });
    assert.equal(again.status, 200);
    assert.equal(again.body.message, "Project 'Research Notes' already exists");
    const clash = await t.json('POST', '/projects/projects', { name: 'research notes', path: 'x', set_default: false });
    assert.equal(clash.status, 400);
    assert.equal(typeof clash.body.detail, 'string');
    const invalid = await t.json('POST', '/projects/projects', { path: 'x' });
    assert.equal(invalid.status, 422);
    assert.ok(Array.isArray(invalid.body.detail));
    assert.equal((await t.json('POST', '/projects/projects', { name: 'flagged', set_default: 'maybe' })).status, 422);
    const lax = await t.json('POST', '/projects/projects', { name: 'flagged', path: 'flagged', set_default: 'False' });
    assert.equal(lax.status, 201);
    assert.equal(lax.body.default, false);
    assert.equal((await t.json('DELETE', '/projects/flagged?delete_notes=true')).status, 200);
    const badJson = await t.request('POST', '/projects/projects', undefined, { 'content-type': 'application/json' });
    assert.equal(badJson.status, 422, 'empty JSON body is "no body", then validation');
  });

  test('PUT /projects/{name}/default, GET /projects/default, DELETE refuses the default', async () => {
    const put = await t.json('PUT', '/projects/research-notes/default');
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, {
      message: "Project 'Research Notes' set as default successfully", status: 'success', default: true,
      old_project: { name: 'main', path: '/main', is_default: false },
      new_project: { name: 'Research Notes', path: '/research-notes', is_default: true },
    });
    const def = await t.json('GET', '/projects/default');
    assert.deepEqual(def.body, { name: 'Research Notes', path: '/research-notes', is_default: true });
    const refuse = await t.json('DELETE', '/projects/Research%20Notes');
    assert.equal(refuse.status, 400);
    assert.match(refuse.body.detail, /^Cannot delete default project 'Research Notes'/);
    assert.equal((await t.json('PUT', '/projects/main/default')).status, 200);
    assert.equal((await t.json('PUT', '/projects/nope/default')).status, 404);
  });

  test('DELETE /projects/{name}?delete_notes=False keeps files and is not rediscovered; unknown → 404', async () => {
    fs.writeFileSync(path.join(t.dataDir, 'research-notes', 'keep.md'), '# keep');
    const del = await t.json('DELETE', '/projects/research-notes?delete_notes=False');
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, {
      message: "Project 'Research Notes' removed successfully", status: 'success', default: false,
      old_project: { name: 'Research Notes', path: '/research-notes', is_default: false }, new_project: null,
    });
    assert.ok(fs.existsSync(path.join(t.dataDir, 'research-notes', 'keep.md')));
    const list = await t.json('GET', '/projects/projects');
    assert.deepEqual(list.body.projects.map((p: { name: string }) => p.name), ['main']);
    assert.equal((await t.json('DELETE', '/projects/nope')).status, 404);
    assert.equal((await t.json('DELETE', '/projects/main?delete_notes=maybe')).status, 422);
  });

  test('DELETE ?delete_notes=true removes the folder (explicit request)', async () => {
    assert.equal((await t.json('POST', '/projects/projects', { name: 'scratch', path: 'scratch', set_default: false })).status, 201);
    fs.writeFileSync(path.join(t.dataDir, 'scratch', 'a.md'), '# a');
    assert.equal((await t.json('DELETE', '/projects/scratch?delete_notes=1')).status, 200);
    assert.ok(!fs.existsSync(path.join(t.dataDir, 'scratch')));
  });
});

describe('per-project routes', () => {
  test('GET /{project}/project/item by name or permalink; 404 detail', async () => {
    const r = await t.json('GET', '/main/project/item');
    assert.deepEqual(r.body, { name: 'main', path: '/main', is_default: true });
    const missing = await t.json('GET', '/nope/project/item');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { detail: "Project 'nope' not found." });
  });

  test('GET /{project}/project/info → ProjectInfoResponse', async () => {
    const r = await t.json('GET', '/main/project/info');
    assert.equal(r.status, 200);
    assert.deepEqual(keys(r.body), ['activity', 'available_projects', 'default_project', 'project_name', 'project_path', 'statistics', 'system']);
    assert.equal(r.body.project_name, 'main');
    assert.equal(r.body.statistics.total_entities, 2);
    assert.deepEqual(keys(r.body.available_projects.main), ['active', 'external_id', 'id', 'is_default', 'path', 'permalink']);
    const { statistics: st, activity: act, system: sys } = r.body;
    assert.deepEqual(keys(st), ['entity_types', 'isolated_entities', 'most_connected_entities', 'observation_categories', 'relation_types',
      'total_entities', 'total_observations', 'total_relations', 'total_unresolved_relations']);
    assert.deepEqual([st.total_observations, st.total_relations, st.total_unresolved_relations, st.isolated_entities], [1, 1, 0, 0]);
    assert.deepEqual(st.entity_types, { note: 2 });
    assert.deepEqual(st.observation_categories, { idea: 1 });
    assert.deepEqual(st.relation_types, { relates_to: 1 });
    assert.deepEqual(keys(st.most_connected_entities[0]), ['file_path', 'id', 'permalink', 'relation_count', 'title']);
    assert.equal(st.most_connected_entities[0].file_path, 'notes/alpha.md');
    assert.deepEqual(keys(act), ['monthly_growth', 'recently_created', 'recently_updated']);
    assert.equal(act.recently_created.length, 2);
    assert.deepEqual(keys(act.recently_created[0]), ['created_at', 'entity_type', 'file_path', 'id', 'permalink', 'title', 'updated_at']);
    assert.equal(act.recently_updated.length, 2);
    assert.equal(Object.keys(act.monthly_growth).length, 6);
    for (const m of Object.values(act.monthly_growth)) assert.deepEqual(keys(m as object), ['entities', 'observations', 'relations']);
    for (const k of ['version', 'database_path', 'database_size', 'watch_status', 'timestamp']) assert.ok(k in sys, k);
    assert.match(sys.database_size, /^\d+(\.\d+)? (B|KB|MB|GB)$/, 'human-readable size');
    assert.equal(sys.watch_status, null);
    assert.ok(!Number.isNaN(Date.parse(sys.timestamp)));
  });

  test('POST /{project}/project/sync: background shape, foreground SyncReportResponse, booleans', async () => {
    const bg = await t.json('POST', '/main/project/sync');
    assert.equal(bg.status, 200);
    assert.deepEqual(bg.body, { status: 'sync_started', message: "Filesystem sync initiated for project 'main'" });
    fs.writeFileSync(path.join(t.dataDir, 'main', 'gamma.md'), '# Gamma\n');
    for (const q of ['run_in_background=false', 'run_in_background=False&force_full=True', 'run_in_background=0&force_full=1']) {
      const fg = await t.json('POST', `/main/project/sync?${q}`);
      assert.equal(fg.status, 200, q);
      assert.deepEqual(keys(fg.body), REPORT_KEYS, q);
    }
    const bad = await t.json('POST', '/main/project/sync?force_full=yes');
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail[0].loc, ['query', 'force_full']);
    const empty = await t.request('POST', '/main/project/sync?run_in_background=false', undefined, { 'content-type': 'application/json' });
    assert.equal(empty.status, 200, 'empty JSON body accepted');
  });

  test('a foreground sync that cannot run answers 500 {"detail"} without server paths', async () => {
    assert.equal((await t.json('POST', '/projects/projects', { name: 'vanishing', path: 'vanishing', set_default: false })).status, 201);
    fs.rmSync(path.join(t.dataDir, 'vanishing'), { recursive: true });
    const r = await t.json('POST', '/vanishing/project/sync?run_in_background=false');
    assert.equal(r.status, 500);
    assert.equal(typeof r.body.detail, 'string');
    assert.ok(!r.body.detail.includes(t.dataDir), r.body.detail);
    // An unexpected engine error is a bare 500 {"detail"}: no stack, no paths.
    const status = await t.json('POST', '/vanishing/project/status');
    assert.equal(status.status, 500);
    assert.deepEqual(status.body, { detail: 'Internal server error' });
    assert.equal((await t.json('DELETE', '/projects/vanishing')).status, 200);
  });

  test('POST /{project}/project/status → SyncReportResponse', async () => {
    fs.writeFileSync(path.join(t.dataDir, 'main', 'delta.md'), '# Delta\n');
    const r = await t.json('POST', '/main/project/status');
    assert.equal(r.status, 200);
    assert.deepEqual(keys(r.body), REPORT_KEYS);
    assert.ok(r.body.new.includes('delta.md'));
  });

  test('no redirects, JSON 404s, no stack traces', async () => {
    const slash = await rawRequest(t, 'GET', '/projects/projects/');
    assert.equal(slash.status, 404);
    assert.deepEqual(slash.body, { detail: 'Not Found' });
    const unknown = await rawRequest(t, 'GET', '/what/ever/this/is');
    assert.equal(unknown.status, 404);
    assert.equal(typeof unknown.body.detail, 'string');
    const noBody = await rawRequest(t, 'POST', '/projects/projects', { body: undefined });
    assert.equal(noBody.status, 422);
    const malformed = await fetch(`http://127.0.0.1:${t.port}/projects/projects`, {
      method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json', ...signed('POST', '/projects/projects') },
    });
    assert.equal(malformed.status, 400);
    assert.deepEqual(await malformed.json(), { detail: 'Invalid JSON body' });
    const wrongType = await fetch(`http://127.0.0.1:${t.port}/projects/projects`, {
      method: 'POST', body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed('POST', '/projects/projects') },
    });
    assert.equal(wrongType.status, 415);
    assert.equal(typeof (await wrongType.json()).detail, 'string');
  });
});

describe('sync runs and metrics', () => {
  test('GET /{project}/project/sync-runs newest first; GET /sync-runs pages oldest first with a stable cursor', async () => {
    await t.json('POST', '/main/project/sync?run_in_background=false');
    const per = await t.json('GET', '/main/project/sync-runs?limit=2');
    assert.equal(per.status, 200);
    assert.deepEqual(keys(per.body), ['runs']);
    assert.equal(per.body.runs.length, 2);
    assert.ok(per.body.runs[0].started_at >= per.body.runs[1].started_at);
    for (const k of ['id', 'kind', 'project', 'trigger', 'scan_type', 'status', 'started_at', 'finished_at', 'duration_ms', 'scan_ms', 'apply_ms', 'files_scanned', 'new', 'modified', 'deleted', 'moved', 'skipped', 'errors', 'skipped_files', 'peak_rss_bytes']) {
      assert.ok(k in per.body.runs[0], k);
    }
    const all = await t.json('GET', '/sync-runs?limit=500');
    assert.deepEqual(keys(all.body), ['instance_id', 'next_cursor', 'runs']);
    const ids: string[] = [];
    let cursor = '';
    for (let i = 0; i < 100; i++) {
      const page = await t.json('GET', `/sync-runs?limit=1${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200);
      assert.equal(page.body.instance_id, all.body.instance_id);
      if (page.body.runs.length === 0) {
        assert.equal(page.body.next_cursor, cursor, 'cursor stays put at the end');
        break;
      }
      ids.push(page.body.runs[0].id);
      cursor = page.body.next_cursor;
    }
    assert.deepEqual(ids, all.body.runs.map((r: { id: string }) => r.id), 'paging one by one = one big page, oldest first');
    assert.ok(all.body.runs.some((r: { kind: string }) => r.kind === 'rebuild'), 'the rebuild is recorded like a run');
    assert.equal((await t.json('GET', '/sync-runs?limit=501')).status, 422);
    assert.equal((await t.json('GET', '/main/project/sync-runs?limit=0')).status, 422);
  });

  test('GET /metrics has the counters after a sync', async () => {
    await t.json('POST', '/main/project/sync?run_in_background=false&force_full=true');
    const res = await t.request('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /bm_sync_runs_total\{scan_type="full_forced",trigger="force",status="ok"\} [1-9]/);
    assert.match(text, /bm_sync_runs_total\{scan_type="full_initial",trigger="startup",status="ok"\} 1/);
    assert.match(text, /bm_sync_duration_seconds_bucket\{le="[^"]+",scan_type="full_forced"\}/);
    assert.match(text, /bm_sync_files_scanned_count\{scan_type="full_forced"\} [1-9]/);
    assert.match(text, /bm_index_rebuild_duration_seconds\{mode="rebuild"\} /);
  });
});

describe('v0.16 routes: config sync, project update, watch, search reindex', () => {
  // biome-ignore lint/correctness/noComponentHookFactories: a path helper, not a React component
  const CONFIG = () => path.join(t.dataDir, '.basic-memory', 'config.json');

  test('POST /projects/config/sync re-reads config.json and registers new folders; an unreadable config is a 400', async () => {
    fs.mkdirSync(path.join(t.dataDir, 'synced-in'));
    const r = await t.json('POST', '/projects/config/sync');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { message: 'Projects synchronized successfully between configuration and database', status: 'success', default: false });
    // Registered by this call (config.json is written before the answer), not by a later listing.
    assert.equal(JSON.parse(fs.readFileSync(CONFIG(), 'utf8')).projects['synced-in'], 'synced-in');
    // An operator edit of config.json is taken as the truth.
    const cfg = JSON.parse(fs.readFileSync(CONFIG(), 'utf8'));
    delete cfg.projects['synced-in'];
    cfg.projects['Synced Alias'] = 'synced-in';
    fs.writeFileSync(CONFIG(), JSON.stringify(cfg));
    assert.equal((await t.json('POST', '/projects/config/sync')).status, 200);
    assert.equal((await t.json('GET', '/synced-alias/project/item')).body.path, '/synced-in');
    // A broken file: 400 with the reason (no server path), projects kept, the file left as it is.
    const good = fs.readFileSync(CONFIG());
    fs.writeFileSync(CONFIG(), '{"projects": ');
    const bad = await t.json('POST', '/projects/config/sync');
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /config\.json is not valid JSON/);
    assert.ok(!bad.body.detail.includes(t.dataDir), bad.body.detail);
    assert.equal(fs.readFileSync(CONFIG(), 'utf8'), '{"projects": ');
    assert.equal((await t.json('GET', '/synced-alias/project/item')).status, 200);
    fs.writeFileSync(CONFIG(), good);
    assert.equal((await t.json('POST', '/projects/config/sync')).status, 200);
    assert.equal((await t.json('DELETE', '/projects/synced-alias')).status, 200);
  });

  test('PATCH /{project}/project/{name}: own folder and is_active=true are no-ops; moves and deactivation are refused', async () => {
    const before = fs.readFileSync(CONFIG(), 'utf8');
    const same = { message: "Project 'main' updated successfully", status: 'success', default: true,
      old_project: { name: 'main', path: '/main', is_default: true }, new_project: { name: 'main', path: '/main', is_default: true } };
    for (const body of [{ is_active: true }, { path: '/main' }, { path: path.join(t.dataDir, 'main') }, { path: null, is_active: 'True' }, {}]) {
      const r = await t.json('PATCH', '/main/project/main', body);
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.deepEqual(r.body, same);
    }
    const refused: [object, RegExp][] = [
      [{ path: 'relative/dir' }, /^Path must be absolute$/],
      [{ path: '/elsewhere' }, /fixed on a cloud tenant: 'main' stays at '\/main'/],
      [{ path: '/tmp/outside' }, /fixed on a cloud tenant/],
      [{ path: '/main/../../etc' }, /^Invalid path: it must stay inside the data dir$/],
      [{ path: `${t.dataDir}/main/nested` }, /fixed on a cloud tenant/],
      [{ is_active: false }, /cannot be deactivated/],
    ];
    for (const [body, detail] of refused) {
      const r = await t.json('PATCH', '/main/project/main', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.detail, detail);
    }
    assert.equal((await t.json('PATCH', '/main/project/nope', { is_active: true })).status, 400);
    assert.equal((await t.json('PATCH', '/nope/project/main', { is_active: true })).status, 404);
    const invalid = await t.json('PATCH', '/main/project/main', { is_active: 'maybe' });
    assert.equal(invalid.status, 422);
    assert.deepEqual(invalid.body.detail[0].loc, ['body', 'is_active']);
    assert.equal(fs.readFileSync(CONFIG(), 'utf8'), before, 'nothing changed on disk');
    assert.ok(fs.statSync(path.join(t.dataDir, 'main')).isDirectory());
  });

  test('POST /{project}/search/reindex rebuilds the project\'s search rows', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(path.join(t.indexDir, 'index.sqlite'));
    try {
      db.exec('PRAGMA busy_timeout=5000');
      db.exec('DELETE FROM search'); // lose the FTS rows behind the tenant's back
    } finally { db.close(); }
    assert.equal((await t.json('GET', '/main/search?q=zebra')).body.results.length, 0);
    const r = await t.json('POST', '/main/search/reindex');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok', message: 'Reindex initiated' });
    const found = await waitFor(async () => {
      const s = await t.json('GET', '/main/search?q=zebra');
      return s.body.results.length ? s.body.results : undefined;
    }, 10_000, 50);
    assert.deepEqual(found.map((x: { file_path: string }) => x.file_path).sort(), ['beta.md', 'notes/alpha.md']);
    assert.equal((await t.json('POST', '/nope/search/reindex')).status, 404);
  });

  test('/management/watch/*: with --sync-interval 0 there is no schedule to run', async () => {
    assert.deepEqual((await t.json('GET', '/management/watch/status')).body, { running: false });
    assert.deepEqual((await t.json('POST', '/management/watch/start')).body, { running: false });
  });

  test('/management/watch/stop pauses scheduled syncs, start resumes them', async () => {
    const dataDir = path.join(tmp, 'watch');
    fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
    const w = await startTenant({ dataDir, syncInterval: 1 });
    try {
      await w.waitHealthy();
      const scheduled = async () => (await w.json('GET', '/sync-runs?limit=500')).body.runs.filter((r: { trigger: string }) => r.trigger === 'schedule').length;
      assert.deepEqual((await w.json('GET', '/management/watch/status')).body, { running: true });
      await waitFor(async () => (await scheduled()) >= 1, 5_000, 50);
      const stop = await w.json('POST', '/management/watch/stop');
      assert.equal(stop.status, 200);
      assert.deepEqual(stop.body, { running: false });
      assert.deepEqual((await w.json('GET', '/management/watch/status')).body, { running: false });
      await new Promise((r) => setTimeout(r, 200)); // a run in flight at the stop may still land
      const paused = await scheduled();
      await new Promise((r) => setTimeout(r, 1600)); // more than an interval (+10 % jitter)
      assert.equal(await scheduled(), paused, 'no scheduled sync while stopped');
      assert.deepEqual((await w.json('POST', '/management/watch/start')).body, { running: true });
      await waitFor(async () => (await scheduled()) > paused, 5_000, 50);
    } finally {
      assert.equal(await w.stop(), 0);
    }
  });
});
