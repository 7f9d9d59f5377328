// Upstream route shapes and status codes (contract §3.1-3.2) against a real tenant process.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { rawRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-routes-');
let t: Tenant;
const REPORT_KEYS = ['checksums', 'deleted', 'modified', 'moves', 'new', 'skipped_files', 'total'];
const STATUS_KEYS = ['default', 'message', 'new_project', 'old_project', 'status'];
const keys = (o: object) => Object.keys(o).sort();
const signed = (method: string, p: string) => signRequest({ secret: t.secret, tenantId: t.tenantId, method, pathAndQuery: p });

before(async () => {
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'main', 'notes'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'main', 'notes', 'alpha.md'), '---\ntitle: Alpha\n---\n# Alpha\n\n- [idea] zebra crossing #traffic\n- relates_to [[Beta]]\n');
  fs.writeFileSync(path.join(dataDir, 'main', 'beta.md'), '# Beta\n\nNothing about zebras here.\n');
  t = await startTenant({ dataDir });
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
    assert.deepEqual(keys(r.body.available_projects.main), ['active', 'id', 'is_default', 'path', 'permalink']);
    for (const k of ['version', 'database_path', 'database_size', 'watch_status', 'timestamp']) assert.ok(k in r.body.system, k);
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
