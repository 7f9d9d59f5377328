// CLI login end to end against the running app: an independent RFC 8628 client (openid-client v6)
// and the reference CLI each run the device flow while Chromium signs in and approves on /device.
// Then the negative paths of the approval page: GET never approves, Origin + CSRF on decisions,
// one generic answer for bad codes, a code claimed by one account refused to another (with a valid
// CSRF token of his own, so ownership is what refuses), deny. No fixed sleeps: a grant's state is
// read from the confirmation page (shown only while pending), and denial answers without slow_down.
import { expect, test, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { csrfToken } from '../lib/auth/device-page.ts';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import { APP_URL, E2E_BASE_PORT } from './helpers/env.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

const CLIENT_ID = 'bmc-cli';
const SCOPE = 'openid profile email offline_access';
const ROOT = path.resolve(import.meta.dirname, '..');
const LOOPBACK = /^(127\.0\.0\.1|::1)$/;

/** The e2e server's secret (AUTH_SECRET is blank there: generated into its data dir, as playwright.config.ts sets up). */
function serverSecret(): string {
  const dataDir = process.env.E2E_DATA_DIR || path.join(os.tmpdir(), `bmc-e2e-${E2E_BASE_PORT}`);
  return fs.readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim();
}

async function rawDeviceRequest(headers: Record<string, string> = {}): Promise<{ device_code: string; user_code: string; verification_uri_complete: string; verifier: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const res = await fetch(`${APP_URL}/oauth2/device_authorization`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ client_id: CLIENT_ID, scope: SCOPE, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }),
  });
  expect(res.status).toBe(200);
  return { ...(await res.json()), verifier };
}

async function pollOnce(d: { device_code: string; verifier: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${APP_URL}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT_ID, device_code: d.device_code, code_verifier: d.verifier }),
  });
  return { status: res.status, body: await res.json() };
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.goto('/device');
  await page.getByTestId('user-code-input').fill(code);
  await page.getByTestId('user-code-submit').click();
}

test('openid-client v6 runs the device flow (PKCE) while Chromium signs in and approves; tokens work on /api/*; revocation is immediate', async ({ page }) => {
  const config = await client.discovery(new URL(APP_URL), CLIENT_ID, undefined, client.None(), { execute: [client.allowInsecureRequests], algorithm: 'oauth2' });
  expect(config.serverMetadata().device_authorization_endpoint).toBe(`${APP_URL}/oauth2/device_authorization`);
  const verifier = client.randomPKCECodeVerifier();
  const resp = await client.initiateDeviceAuthorization(config, {
    scope: SCOPE, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  expect(resp.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  expect(resp.verification_uri).toBe(`${APP_URL}/device`);
  expect(resp.expires_in).toBeLessThanOrEqual(900);
  const tokensP = client.pollDeviceAuthorizationGrant(config, resp, { code_verifier: verifier });

  // Signed out: verification_uri_complete → sign in → back on /device with the code pre-filled
  // from server state (the URL no longer carries it).
  const email = uniqueEmail('device');
  await page.goto(resp.verification_uri_complete!);
  await page.waitForURL(/\/signin\?/);
  await signIn(page, email, { callbackUrl: '/device' });
  expect(new URL(page.url()).search).toBe('');
  await expect(page.getByTestId('user-code-input')).toHaveValue(resp.user_code);
  await page.getByTestId('user-code-submit').click();

  await page.waitForURL(/\/device\/confirm\?grant=/);
  await expect(page.getByTestId('device-code')).toHaveText(resp.user_code);
  await expect(page.getByTestId('device-client')).toHaveText('Basic Memory CLI');
  await expect(page.getByTestId('device-ip')).toHaveText(LOOPBACK);
  await expect(page.getByTestId('device-ua')).not.toHaveText('unknown client');
  await expect(page.getByTestId('device-tenant')).not.toHaveText('no tenant yet');
  await expect(page.getByTestId('device-warning')).toContainText('matches');
  await page.getByTestId('device-approve').click();
  await page.waitForURL(/\/device\/done\?result=approved/);
  await expect(page.getByTestId('device-approved')).toContainText('return to your terminal');

  const tokens = await tokensP;
  expect(tokens.access_token).toMatch(/^bmat_/);
  expect(tokens.refresh_token).toMatch(/^bmrt_/);
  expect(tokens.expires_in).toBe(3600);
  const me = await fetch(`${APP_URL}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(me.status).toBe(200);
  const meBody = await me.json();
  expect(meBody.user.email).toBe(email);
  expect(meBody.via).toBe('token');
  expect(meBody.tenant.id).toBeTruthy();

  const listed = await fetch(`${APP_URL}/api/cli-sessions`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(listed.status).toBe(200);
  const sessions = (await listed.json()).sessions;
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ client: 'Basic Memory CLI', current: true });
  expect(sessions[0].deviceIp).toMatch(LOOPBACK);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.refresh_token).toMatch(/^bmrt_/);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

  // The session is listed; revoking it kills the (refreshed) access token on the next request.
  await page.goto('/cli-sessions');
  await expect(page.getByTestId('cli-session')).toHaveCount(1);
  await expect(page.getByTestId('cli-session')).toContainText('Basic Memory CLI');
  // The list and its revoke dialog, open, at phone and desktop widths: axe-core, no sideways overflow, a photo each.
  await page.getByTestId('cli-session-revoke').click();
  await expect(page.getByTestId('cli-session-revoke-dialog')).toBeVisible();
  for (const [width, height] of [[390, 844], [1280, 800]] as const) {
    await page.setViewportSize({ width, height });
    await expectNoSeriousAxe(page, `CLI session revoke dialog at ${width} px`);
    await expectNoHorizontalOverflow(page, `CLI session revoke dialog at ${width} px`);
    await page.screenshot({ path: test.info().outputPath(`cli-session-revoke-dialog-${width}.png`) });
  }
  await page.getByTestId('cli-session-revoke-confirm').click();
  await expect(page.getByTestId('cli-sessions-flash')).toContainText('Revoked 1 session');
  await expect(page.getByTestId('cli-sessions-empty')).toBeVisible();
  const after = await fetch(`${APP_URL}/api/me`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
  expect(after.status).toBe(401);
  expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(typeof (await after.json()).detail).toBe('string');
});

test('the reference CLI logs in through the browser (code typed in lowercase, no dash), then status and logout', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-e2e-cli-'));
  const tokenFile = path.join(dir, 'basic-memory-cloud.json');
  const run = (args: string[], onLine?: (l: string) => void) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, DISPLAY: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; for (const l of String(d).split('\n')) onLine?.(l); });
    child.stderr.on('data', (d: Buffer) => { out += d; });
    return new Promise<{ code: number; out: string }>((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, out })));
  };
  try {
    const email = uniqueEmail('cli');
    await signIn(page, email, { callbackUrl: '/device' });
    let resolveCode!: (c: string) => void;
    const codeP = new Promise<string>((r) => { resolveCode = r; });
    const loginDone = run(['login', '--no-browser', '--host', APP_URL, '--token-file', tokenFile], (l) => {
      const m = /Your code:\s+([A-Z]{4}-[A-Z]{4}-[A-Z]{4})/.exec(l);
      if (m) resolveCode(m[1]!);
    });
    const code = await codeP;
    await enterCode(page, code.toLowerCase().replace(/-/g, ' '));
    await page.waitForURL(/\/device\/confirm/);
    await page.getByTestId('device-approve').click();
    await page.waitForURL(/result=approved/);
    const login = await loginDone;
    expect(login.code, login.out).toBe(0);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(fs.readFileSync(tokenFile, 'utf8'));
    expect(Object.keys(saved).sort()).toEqual(['access_token', 'expires_at', 'refresh_token', 'token_type']);

    const status = await run(['status', '--token-file', tokenFile]);
    expect(status.code, status.out).toBe(0);
    expect(status.out).toContain(`Logged in as: ${email}`);
    expect(status.out).toMatch(/Tenant: .+ \([0-9a-f-]{36}\)/);

    const logout = await run(['logout', '--token-file', tokenFile]);
    expect(logout.code).toBe(0);
    expect(fs.existsSync(tokenFile)).toBe(false);
    expect((await fetch(`${APP_URL}/api/me`, { headers: { authorization: `Bearer ${saved.access_token}` } })).status).toBe(401);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('approval page rules: GET never approves, Origin and CSRF guard decisions, generic errors, second account refused, deny', async ({ page, browser }) => {
  // The device writes its own X-Forwarded-For: it must not become "its" address.
  const d = await rawDeviceRequest({ 'x-forwarded-for': '6.6.6.6' });
  const alice = uniqueEmail('alice');
  await signIn(page, alice, { callbackUrl: '/device' });

  // Code entry is a same-origin form POST too.
  const entryCsrf = await (async () => { await page.goto('/device'); return page.locator('input[name=csrf]').inputValue(); })();
  const crossEntry = await page.request.post('/device/verify', { form: { user_code: d.user_code, csrf: entryCsrf }, headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
  expect(crossEntry.status()).toBe(403);

  // An unknown code → the one generic message.
  await enterCode(page, 'BBBB-BBBB-BBBB');
  await expect(page.getByTestId('device-error')).toContainText('not valid');

  // verification_uri_complete only pre-fills; the confirmation page is GET-only and approves nothing.
  await page.goto(d.verification_uri_complete);
  await expect(page.getByTestId('user-code-input')).toHaveValue(d.user_code);
  await page.getByTestId('user-code-submit').click();
  await page.waitForURL(/\/device\/confirm\?grant=/);
  await expect(page.getByTestId('device-ip')).toHaveText(LOOPBACK);
  const confirmUrl = page.url();
  const grantId = new URL(confirmUrl).searchParams.get('grant')!;
  await page.goto(confirmUrl);
  await page.goto(`/device/done?result=approved`);
  expect((await pollOnce(d)).body.error).toBe('authorization_pending');

  // The confirmation page renders only while the grant is pending and Alice's: the state check
  // after each refused attempt (polling again this soon would only earn slow_down).
  const stillPending = async () => {
    await page.goto(confirmUrl);
    await expect(page).toHaveURL(confirmUrl);
    await expect(page.getByTestId('device-approve')).toBeVisible();
  };

  // Decisions need our Origin and a CSRF token bound to the user and grant.
  await page.goto(confirmUrl);
  const csrf = await page.locator('input[name=csrf]').inputValue();
  const foreign = await page.request.post('/device/decide', { form: { grant: grantId, decision: 'approve', csrf }, headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
  expect(foreign.status()).toBe(403);
  const noOrigin = await page.request.post('/device/decide', { form: { grant: grantId, decision: 'approve', csrf }, maxRedirects: 0 });
  expect(noOrigin.status()).toBe(403);
  const badCsrf = await page.request.post('/device/decide', { form: { grant: grantId, decision: 'approve', csrf: 'x' }, headers: { origin: APP_URL }, maxRedirects: 0 });
  expect(badCsrf.status()).toBe(403);
  const noCsrf = await page.request.post('/device/decide', { form: { grant: grantId, decision: 'approve' }, headers: { origin: APP_URL }, maxRedirects: 0 });
  expect(noCsrf.status()).toBe(403);
  expect(noCsrf.headers()['location']).toBeUndefined();
  const noEntryCsrf = await page.request.post('/device/verify', { form: { user_code: d.user_code }, headers: { origin: APP_URL }, maxRedirects: 0 });
  expect(noEntryCsrf.status()).toBe(403);
  await stillPending();

  // A second account cannot take over the code Alice entered: entry and confirmation both refuse,
  // and so does a decision carrying Bob's own VALID CSRF token for that grant (ownership refuses).
  const bobCtx = await browser.newContext();
  const bob = await bobCtx.newPage();
  try {
    await signIn(bob, uniqueEmail('bob'), { callbackUrl: '/device' });
    await enterCode(bob, d.user_code);
    await expect(bob.getByTestId('device-error')).toContainText('not valid');
    await bob.goto(confirmUrl);
    await bob.waitForURL(/\/device\?error=invalid/);

    // The page never hands Bob a token for Alice's grant, so mint it as the server does, and prove
    // the minting right on a grant of Bob's own: his confirmation page carries the same value.
    const bobId = (await (await bob.request.get('/api/me')).json()).user.id as string;
    const own = await rawDeviceRequest();
    await enterCode(bob, own.user_code);
    await bob.waitForURL(/\/device\/confirm\?grant=/);
    const ownGrant = new URL(bob.url()).searchParams.get('grant')!;
    const secret = serverSecret();
    expect(await bob.locator('input[name=csrf]').inputValue()).toBe(csrfToken(secret, 'device-decide', bobId, ownGrant));
    const bobCsrf = csrfToken(secret, 'device-decide', bobId, grantId);

    const r = await bob.request.post('/device/decide', { form: { grant: grantId, decision: 'approve', csrf: bobCsrf }, headers: { origin: APP_URL }, maxRedirects: 0 });
    expect(r.status()).toBe(303);
    expect(r.headers()['location']).toContain('/device/done?result=invalid');
    const deny = await bob.request.post('/device/decide', { form: { grant: grantId, decision: 'deny', csrf: bobCsrf }, headers: { origin: APP_URL }, maxRedirects: 0 });
    expect(deny.headers()['location']).toContain('/device/done?result=invalid');
  } finally {
    await bobCtx.close();
  }
  await stillPending();

  // Alice denies → the device hears access_denied at once; the page shows the end state.
  await page.goto(confirmUrl);
  await page.getByTestId('device-deny').click();
  await page.waitForURL(/result=denied/);
  await expect(page.getByTestId('device-denied')).toBeVisible();
  await expect.poll(async () => (await pollOnce(d)).body.error).toBe('access_denied');
  // And the used code is refused with the same generic message.
  await enterCode(page, d.user_code);
  await expect(page.getByTestId('device-error')).toContainText('not valid');
});
