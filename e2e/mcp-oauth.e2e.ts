// OAuth for MCP clients against the running app, driven by a real client: the MCP TypeScript SDK's `auth()`
// discovers from <APP_URL>/mcp, registers (DCR, then a client ID metadata document), and hands the authorization
// URL to Chromium, where the person signs in on the development provider and decides on the consent page. The
// code comes back with state and iss; the SDK exchanges and refreshes it; Connected apps lists the connection and
// disconnects it (dialog), after which the refresh token is dead. Consent and Connected apps pass axe-core at
// 390 and 1280 px. Also: an unregistered redirect URI and a metadata document on a private address are refused
// with an error page.
import { expect, test, type Page } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import http from 'node:http';
import { Client, StreamableHTTPClientTransport, auth } from '@modelcontextprotocol/client';
import { MemoryOAuthProvider } from '../tests/helpers/sdk-oauth-provider.ts';
import { APP_URL, E2E_BASE_PORT, E2E_CLIENT_METADATA_URL } from './helpers/env.ts';
import { uniqueEmail } from './helpers/sign-in.ts';

const MCP_URL = `${APP_URL}/mcp`;
const CALLBACK_ORIGIN = `http://127.0.0.1:${E2E_BASE_PORT + 8}`;
const CALLBACK = `${CALLBACK_ORIGIN}/callback`;
const CIMD_URL = 'https://client.test/oauth/e2e-client.json';

let fixtures: http.Server;
test.beforeAll(async () => {
  fixtures = http.createServer((req, res) => {
    if (req.url === '/oauth/e2e-client.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
      res.end(JSON.stringify({ client_id: CIMD_URL, client_name: 'Metadata Doc App', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }));
    } else { res.writeHead(404); res.end(); }
  });
  await new Promise<void>((resolve) => fixtures.listen(Number(new URL(E2E_CLIENT_METADATA_URL).port), '127.0.0.1', resolve));
});
test.afterAll(async () => { await new Promise<void>((resolve) => fixtures.close(() => resolve())); });

async function axeAtBothWidths(page: Page, what: string): Promise<void> {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(viewport);
    await expectNoSeriousAxe(page, `${what} at ${viewport.width} px`);
    await expectNoHorizontalOverflow(page, `${what} at ${viewport.width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Opens the authorization URL; signs in on the development provider when asked; lands on the consent page. */
async function openConsent(page: Page, url: URL, email: string): Promise<void> {
  await page.goto(url.toString());
  if (new URL(page.url()).pathname === '/signin') {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  await page.waitForURL((u) => u.pathname === '/connect', { timeout: 30_000 });
}

/** Allows (or denies) on the consent page and returns the URL the browser was sent back to. */
async function decide(page: Page, decision: 'approve' | 'deny'): Promise<URL> {
  let captured: URL | null = null;
  await page.route(`${CALLBACK_ORIGIN}/**`, (route) => { captured = new URL(route.request().url()); return route.fulfill({ status: 200, contentType: 'text/plain', body: 'back in the app' }); });
  await page.getByTestId(decision === 'approve' ? 'consent-approve' : 'consent-deny').click();
  await expect.poll(() => captured, { timeout: 15_000 }).not.toBeNull();
  return captured!;
}

test('SDK client by DCR: sign-in and consent in Chromium (groups chosen), code with state and iss, exchange, refresh; Connected apps disconnects it', async ({ page }) => {
  const email = uniqueEmail('mcp-dcr');
  const provider = new MemoryOAuthProvider({ redirectUrl: CALLBACK, clientName: 'E2E DCR App' });
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe('REDIRECT');
  const url = provider.authorizationUrl!;
  expect(url.origin + url.pathname).toBe(`${APP_URL}/oauth2/authorize`);
  expect(url.searchParams.get('resource')).toBe(MCP_URL);
  // Probed without following redirects (as FastMCP does): a redirect, never 401.
  const probe = await fetch(url, { redirect: 'manual' });
  expect(probe.status).toBe(303);

  await openConsent(page, url, email);
  await expect(page.getByTestId('consent-client-name')).toHaveText('E2E DCR App');
  await expect(page.getByTestId('consent-redirect-host')).toHaveText('127.0.0.1 (this computer)');
  await expect(page.getByTestId('consent-client-kind')).toHaveAttribute('data-kind', 'dynamic_registration');
  await axeAtBothWidths(page, 'consent page');
  // The person keeps read and write, not delete/admin; with nothing chosen, Allow is disabled.
  for (const g of ['read', 'write', 'admin']) await page.getByTestId(`consent-group-${g}`).uncheck();
  await expect(page.getByTestId('consent-approve')).toBeDisabled();
  await page.getByTestId('consent-group-read').check();
  await page.getByTestId('consent-group-write').check();
  const back = await decide(page, 'approve');
  expect(back.searchParams.get('state')).toBe(url.searchParams.get('state'));
  expect(back.searchParams.get('iss')).toBe(APP_URL);
  const code = back.searchParams.get('code')!;
  expect(code).toMatch(/^bmac_/);

  expect(await auth(provider, { serverUrl: MCP_URL, authorizationCode: code, iss: back.searchParams.get('iss')! })).toBe('AUTHORIZED');
  const first = provider.saved!;
  expect(first.scope).toBe('memory:read memory:write offline_access');
  expect(first.expires_in).toBe(3600);
  // The token is for /mcp only: /api refuses it.
  expect((await fetch(`${APP_URL}/api/me`, { headers: { authorization: `Bearer ${first.access_token}` } })).status).toBe(401);
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe('AUTHORIZED');
  expect(provider.saved!.refresh_token).not.toBe(first.refresh_token);

  // The refreshed token reaches the real /mcp: tools listed, a granted write works, an ungranted delete is refused.
  const token = provider.saved!.access_token;
  const mcp = new Client({ name: 'e2e-oauth-client', version: '1.0.0' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(MCP_URL), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const names = (await mcp.listTools()).tools.map((t) => t.name);
  expect(names).toEqual(expect.arrayContaining(['write_note', 'read_note', 'search_notes', 'delete_note']));
  const wrote = await mcp.callTool({ name: 'write_note', arguments: { title: 'Connected App Note', directory: 'agents', content: 'Written through OAuth.' } });
  expect(wrote.isError ?? false, JSON.stringify(wrote.content)).toBe(false);
  const read = await mcp.callTool({ name: 'read_note', arguments: { identifier: 'Connected App Note' } });
  expect(JSON.stringify(read.content)).toContain('Written through OAuth.');
  // Outside the grant (delete is memory:admin): HTTP 403 insufficient_scope, surfaced by the SDK as an error.
  const denied = await fetch(MCP_URL, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'delete_note', arguments: { identifier: 'Connected App Note' } } }),
  });
  expect(denied.status).toBe(403);
  expect(denied.headers.get('www-authenticate') ?? '').toContain('insufficient_scope');

  await page.goto('/connected-apps');
  const row = page.getByTestId('connected-app');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('connected-app-name')).toHaveText('E2E DCR App');
  await expect(row.getByTestId('connected-app-host')).toHaveText('127.0.0.1 (this computer)');
  await expect(row.getByTestId('connected-app-groups')).toHaveText('Read, Write and edit');
  // The calls above are counted under this connection (roll-ups are flushed every few seconds).
  await expect.poll(async () => {
    await page.reload();
    return (await page.getByTestId('connected-app-calls').textContent()) ?? '';
  }, { timeout: 30_000 }).toMatch(/^[1-9]\d* calls? in 24 h$/);
  await axeAtBothWidths(page, 'connected apps');
  await row.getByTestId('connected-app-disconnect').click();
  await expect(page.getByTestId('disconnect-dialog')).toBeVisible();
  await axeAtBothWidths(page, 'disconnect dialog');
  await page.getByTestId('disconnect-confirm').click();
  await expect(page.getByTestId('connected-apps-empty')).toBeVisible();
  // Disconnected: the next /mcp call with the still-unexpired access token is refused.
  const after = await fetch(MCP_URL, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/list', params: {} }),
  });
  expect(after.status).toBe(401);
  await mcp.close();
  // Disconnected: the refresh token is dead.
  const res = await fetch(`${APP_URL}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: String((provider.client as { client_id: string }).client_id), refresh_token: provider.saved!.refresh_token! }),
  });
  expect(res.status).toBe(400);
  expect((await res.json()).error).toBe('invalid_grant');
});

test('SDK client by client ID metadata document: consent names how it identified itself; deny comes back as access_denied', async ({ page }) => {
  const email = uniqueEmail('mcp-cimd');
  const provider = new MemoryOAuthProvider({ redirectUrl: CALLBACK, clientMetadataUrl: CIMD_URL });
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe('REDIRECT');
  const url = provider.authorizationUrl!;
  expect(url.searchParams.get('client_id')).toBe(CIMD_URL);
  await openConsent(page, url, email);
  await expect(page.getByTestId('consent-client-name')).toHaveText('Metadata Doc App');
  await expect(page.getByTestId('consent-client-kind')).toHaveAttribute('data-kind', 'metadata_document');
  await expect(page.getByTestId('consent-client-kind')).toContainText('client.test');
  const denied = await decide(page, 'deny');
  expect(denied.searchParams.get('error')).toBe('access_denied');
  expect(denied.searchParams.get('iss')).toBe(APP_URL);

  // Again, allowed this time: all groups.
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe('REDIRECT');
  await openConsent(page, provider.authorizationUrl!, email);
  const back = await decide(page, 'approve');
  expect(await auth(provider, { serverUrl: MCP_URL, authorizationCode: back.searchParams.get('code')!, iss: back.searchParams.get('iss')! })).toBe('AUTHORIZED');
  expect(provider.saved!.scope).toBe('memory:read memory:write memory:admin offline_access');
});

test('the consent decision needs the CSRF field and our Origin; bad redirect URIs and private-address metadata documents get an error page', async ({ page }) => {
  const provider = new MemoryOAuthProvider({ redirectUrl: CALLBACK, clientName: 'CSRF probe' });
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe('REDIRECT');
  await openConsent(page, provider.authorizationUrl!, uniqueEmail('mcp-csrf'));
  const request = new URL(page.url()).searchParams.get('request')!;
  const noCsrf = await page.request.post('/connect/decide', { form: { request, decision: 'approve', tenant: '', group: 'memory:read' }, headers: { origin: APP_URL }, maxRedirects: 0 });
  expect(noCsrf.status()).toBe(400);
  expect(noCsrf.headers()['location']).toBeUndefined();
  const crossSite = await page.request.post('/connect/decide', { form: { request, decision: 'approve', tenant: '', csrf: 'x' }, headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
  expect(crossSite.status()).toBe(403);

  const bad = new URL(provider.authorizationUrl!);
  bad.searchParams.set('redirect_uri', 'https://evil.example/callback');
  const r = await page.goto(bad.toString());
  expect(r!.status()).toBe(400);
  await expect(page.getByTestId('authorize-error')).toContainText('redirect URI is not one this application registered');

  const ssrf = new URL(provider.authorizationUrl!);
  ssrf.searchParams.set('client_id', 'https://127.0.0.1/client.json');
  const r2 = await page.goto(ssrf.toString());
  expect(r2!.status()).toBe(400);
  await expect(page.getByTestId('authorize-error')).toContainText('private or reserved address');
});

test('metadata endpoints answer JSON 200 without redirects, and unknown well-known paths a JSON 404', async () => {
  for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server']) {
    const res = await fetch(APP_URL + path, { redirect: 'manual' });
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-type'), path).toContain('application/json');
  }
  const prm = await (await fetch(`${APP_URL}/.well-known/oauth-protected-resource/mcp`)).json();
  const as = await (await fetch(`${APP_URL}/.well-known/oauth-authorization-server`)).json();
  expect(prm.resource).toBe(MCP_URL);
  expect(prm.authorization_servers).toEqual([as.issuer]);
  const unknown = await fetch(`${APP_URL}/.well-known/openid-configuration`, { redirect: 'manual' });
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toContain('application/json');
});
