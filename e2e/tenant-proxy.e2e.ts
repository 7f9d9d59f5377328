// Tenants come alive: sign in → the tenant runs within 30 s → projects, notes, sync and search through
// /proxy with the browser session → the run is collected into Postgres with its scan type → a CLI token
// from the device flow reaches the same tenant → a second person reaches only their own tenant.
// Run with E2E_BASE_PORT=5300 (its own build and data dir).
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { e2eDb } from './helpers/db.ts';
import { APP_URL } from './helpers/env.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

type Api = { status: number; body: string; json: () => any };

/** fetch() from inside the page: the browser's own cookie and Origin, like the projects page. */
async function browserFetch(page: Page, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Api> {
  const r = await page.evaluate(async ([m, p, b, h]) => {
    const res = await fetch(p as string, {
      method: m as string, redirect: 'manual',
      headers: { ...(b ? { 'content-type': 'application/json' } : {}), ...(h as Record<string, string>) },
      body: b ? JSON.stringify(b) : undefined,
    });
    return { status: res.status, body: await res.text() };
  }, [method, path, body ?? null, headers] as const);
  return { ...r, json: () => JSON.parse(r.body) };
}

async function waitForRunning(page: Page): Promise<string> {
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 30_000 });
  return (await page.getByTestId('tenant-id').textContent())!.trim();
}

async function deviceToken(page: Page): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const res = await fetch(`${APP_URL}/oauth2/device_authorization`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'bmc-cli', scope: 'openid profile email offline_access', code_challenge: challenge, code_challenge_method: 'S256' }),
  });
  expect(res.status).toBe(200);
  const d = await res.json();
  await page.goto(d.verification_uri_complete);
  await expect(page.getByTestId('user-code-input')).toHaveValue(d.user_code);
  await page.getByTestId('user-code-submit').click();
  await page.waitForURL(/\/device\/confirm\?grant=/);
  await page.getByTestId('device-approve').click();
  await page.waitForURL(/\/device\/done\?result=approved/);
  const tok = await fetch(`${APP_URL}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'bmc-cli', device_code: d.device_code, code_verifier: verifier }),
  });
  expect(tok.status).toBe(200);
  return tok.json();
}

test('sign in → running within 30 s → projects, note, sync, search via /proxy (session) → run collected with its scan type → CLI token reaches the same tenant; a second user only theirs', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const email = uniqueEmail('tenant');
  const t0 = Date.now();
  await signIn(page, email);
  const tenantId = await waitForRunning(page);
  expect(Date.now() - t0).toBeLessThan(45_000);

  // Unauthenticated callers get the uniform 401 JSON.
  const anon = await fetch(`${APP_URL}/proxy/health`, { redirect: 'manual' });
  expect(anon.status).toBe(401);
  expect((await anon.json()).detail).toBeTruthy();

  // The projects page lists and creates through /proxy/projects/projects.
  await page.goto('/projects');
  // A new tenant starts with its default project.
  await expect(page.getByTestId('project-name').filter({ hasText: 'main' })).toBeVisible();
  await page.getByTestId('project-name-input').fill('Field Notes');
  await page.getByTestId('project-create').click();
  await expect(page.getByTestId('project-name').filter({ hasText: 'Field Notes' })).toBeVisible();

  // Note → sync → search, all with the browser session through /proxy.
  const health = await browserFetch(page, 'GET', '/proxy/health');
  expect(health.status).toBe(200);
  expect(health.json().status).toBe('ok');
  const note = await browserFetch(page, 'POST', '/proxy/field-notes/knowledge/entities', { title: 'Browser Note', folder: 'inbox', content: '# Browser Note\n\n- [idea] quokka-via-browser #e2e\n' });
  expect(note.status, note.body).toBe(200);
  const sync = await browserFetch(page, 'POST', '/proxy/field-notes/project/sync?force_full=true&run_in_background=false');
  expect(sync.status, sync.body).toBe(200);
  const search = await browserFetch(page, 'GET', '/proxy/field-notes/search?q=quokka');
  expect(search.status).toBe(200);
  expect(search.body).toContain('Browser Note');
  expect((await browserFetch(page, 'GET', '/proxy/field-notes/project/item')).json().name).toBe('Field Notes');
  expect((await browserFetch(page, 'POST', '/proxy/field-notes/project/status')).status).toBe(200);

  // A cookie-authenticated POST from another origin is refused (the browser always sends Origin on
  // cross-origin requests; here we forge a request without our Origin).
  const forged = await page.request.post(`${APP_URL}/proxy/projects/projects`, { data: { name: 'forged', path: 'forged', set_default: false }, headers: { origin: 'https://evil.test' } });
  expect(forged.status()).toBe(403);

  // The collector lands the run in Postgres within 30 s, with its scan type.
  await expect.poll(async () => {
    const r = await browserFetch(page, 'GET', '/api/tenant/sync-runs?project=Field%20Notes');
    if (r.status !== 200) return `status ${r.status}`;
    return r.json().runs.map((x: { scan_type: string; trigger: string }) => `${x.trigger}:${x.scan_type}`).join(',');
  }, { timeout: 30_000, intervals: [1000] }).toContain('force:full_forced');

  // /tenant/mount/info for the session's tenant.
  const mount = await browserFetch(page, 'GET', '/tenant/mount/info');
  expect(mount.status).toBe(200);
  expect(mount.json().tenant_id).toBe(tenantId);
  expect(mount.json().bucket_name).toBeTruthy();

  // The same through a CLI token from the device flow.
  const tokens = await deviceToken(page);
  const token = tokens.access_token;
  const bearer = { authorization: `Bearer ${token}` };
  const list = await fetch(`${APP_URL}/proxy/projects/projects`, { headers: bearer, redirect: 'manual' });
  expect(list.status).toBe(200);
  expect(list.headers.get('x-tenant-proxy'), 'Bearer requests take the node:http fast path inside next start').toBe('fast-path');
  expect((await list.json()).projects.map((p: { name: string }) => p.name)).toContain('Field Notes');
  const cliCreate = await fetch(`${APP_URL}/proxy/projects/projects`, {
    method: 'POST', headers: { ...bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'cli-project', path: 'cli-project', set_default: false }),
  });
  expect(cliCreate.status).toBe(201);
  // A forced full sync with the token lands in Postgres (collected) with its scan type, like the session's.
  const cliSync = await fetch(`${APP_URL}/proxy/cli-project/project/sync?force_full=true&run_in_background=false`, { method: 'POST', headers: bearer, redirect: 'manual' });
  expect(cliSync.status, await cliSync.clone().text()).toBe(200);
  expect(cliSync.headers.get('x-tenant-proxy')).toBe('fast-path');
  await expect.poll(async () => {
    const r = await fetch(`${APP_URL}/api/tenant/sync-runs?project=cli-project`, { headers: bearer });
    if (r.status !== 200) return `status ${r.status}`;
    return (await r.json()).runs.map((x: { scan_type: string; trigger: string }) => `${x.trigger}:${x.scan_type}`).join(',');
  }, { timeout: 30_000, intervals: [1000] }).toContain('force:full_forced');
  const db = await e2eDb();
  if (db) {
    try {
      expect(await db.syncRuns(tenantId, 'cli-project')).toContain('force:full_forced');
    } finally {
      await db.close();
    }
  }
  const cliSearch = await fetch(`${APP_URL}/proxy/field-notes/search?q=quokka`, { headers: bearer });
  expect(await cliSearch.text()).toContain('Browser Note');
  const cliMount = await fetch(`${APP_URL}/tenant/mount/info`, { headers: bearer });
  expect((await cliMount.json()).tenant_id).toBe(tenantId);

  // The reference CLI with that token: `projects add NAME`, then `projects list`.
  const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-cli-')), 'tokens.json');
  fs.writeFileSync(tokenFile, JSON.stringify({ access_token: token, refresh_token: tokens.refresh_token, expires_at: Math.floor(Date.now() / 1000) + tokens.expires_in, token_type: 'Bearer' }), { mode: 0o600 });
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', ...args, '--host', APP_URL, '--token-file', tokenFile], {
    cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8', timeout: 30_000,
  });
  const added = cli('projects', 'add', 'From CLI');
  expect(added.status, added.stdout + added.stderr).toBe(0);
  const listed = cli('projects', 'list');
  expect(listed.status, listed.stdout + listed.stderr).toBe(0);
  expect(listed.stdout).toContain('Field Notes');
  expect(listed.stdout).toContain('From CLI');

  // A second person: only their own tenant, whatever path, encoding, Host or X-Forwarded-* say.
  const ctx2 = await browser.newContext();
  const page2 = await ctx2.newPage();
  try {
    await signIn(page2, uniqueEmail('other'));
    const other = await waitForRunning(page2);
    expect(other).not.toBe(tenantId);
    const spoof = { 'x-forwarded-host': 'victim.example', 'x-forwarded-for': '10.0.0.1', 'x-bm-tenant-id': tenantId };
    // Naming the first person's workspace is refused outright (upstream's 404), never served from either tenant.
    const named = await page2.request.get(`${APP_URL}/proxy/projects/projects`, { headers: { ...spoof, 'x-workspace-id': tenantId } });
    expect(named.status()).toBe(404);
    expect((await named.json()).detail).toMatch(/Workspace .* not found/);
    const theirs = await page2.request.get(`${APP_URL}/proxy/projects/projects`, { headers: { ...spoof, host: `localhost:${new URL(APP_URL).port}` } });
    expect(theirs.status()).toBe(200);
    expect((await theirs.json()).projects.map((p: { name: string }) => p.name)).not.toContain('Field Notes');
    expect((await page2.request.get(`${APP_URL}/proxy/field-notes/project/item`, { headers: spoof })).status()).toBe(404);
    expect((await page2.request.get(`${APP_URL}/proxy/field-notes/search?q=quokka`, { headers: spoof })).status()).toBe(404);
    for (const p of ['/proxy/x/resource/..%2f..%2ffield-notes', '/proxy/x/resource/%252e%252e/field-notes', '/proxy/x/resource/..%5c..%5cfield-notes']) {
      const r = await page2.request.get(`${APP_URL}${p}`);
      expect(r.status(), p).toBe(400);
    }
    expect((await browserFetch(page2, 'GET', '/tenant/mount/info')).json().tenant_id).toBe(other);
  } finally {
    await ctx2.close();
  }
});

/** A request exactly as written (node:http sends the path untouched; fetch and browsers normalise `..`). */
function rawRequest(method: string, rawPath: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(APP_URL);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(u.port), method, path: rawPath, headers: { host: u.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('raw dot-segments with a session cookie (route handler, through Next) are refused with 400 JSON, never forwarded', async ({ page, context }) => {
  await signIn(page, uniqueEmail('rawpath'));
  await waitForRunning(page);
  const session = (await context.cookies()).find((c) => c.name === 'next-auth.session-token')!;
  const cookie = `${session.name}=${session.value}`;
  // Control: the same cookie on a clean path reaches the tenant through the route handler.
  const ok = await rawRequest('GET', '/proxy/projects/projects', { cookie });
  expect(ok.status, ok.body).toBe(200);
  expect(ok.headers['x-tenant-proxy']).toBeUndefined();
  expect(JSON.parse(ok.body).projects).toBeTruthy();

  const seen: string[] = [];
  for (const p of ['/proxy/main/../projects/projects', '/proxy/./projects/projects', '/proxy/main/%2e%2e/projects/projects', '/proxy/main/%2E%2E/projects/projects', '/proxy/x/..%2fprojects/projects']) {
    const r = await rawRequest('GET', p, { cookie });
    seen.push(`${p} → ${r.status} ${r.body.slice(0, 120)}`);
  }
  // `next start` resolves `.`/`..` and `%2e%2e` before the route handler sees req.url (found by this
  // test: it used to forward them as /proxy/projects/projects); the node:http edge now checks the raw line.
  // Every one must be the proxy's 400; anything else (200 = normalised and forwarded) is listed.
  for (const line of seen) expect(line, seen.join('\n')).toMatch(/ → 400 \{"detail":"Invalid path\."\}$/);
});
