// Browser sign-in through the development OpenID provider, the tenant, sign-out, redirects, 404s.
import { expect, test } from '@playwright/test';
import { APP_URL, E2E_OPS_EMAIL } from './helpers/env.ts';
import { e2eDb } from './helpers/db.ts';
import { decodeSessionCookie, e2eAuthSecret, encodeSessionCookie, SESSION_COOKIE } from './helpers/session-cookie.ts';
import { callbackUrlFromDevProvider, sessionOf, signIn, signOut, startDevSignIn, uniqueEmail } from './helpers/sign-in.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATUSES = ['provisioning', 'starting', 'rebuilding', 'running', 'degraded', 'stopped', 'failed'];

test('sign in through the development provider → dashboard shows the tenant → sign out', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dev-signin-banner')).toContainText('Development sign-in');
  await page.getByTestId('sign-in').first().click();
  await page.waitForURL(/\/interaction\//);
  await expect(page.getByText('Development sign-in').first()).toBeVisible();
  const email = uniqueEmail('alice');
  await page.locator('#email').fill(email);
  await page.locator('#name').fill('Alice Example');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL('**/dashboard');

  await expect(page.getByRole('heading', { name: 'Welcome, Alice' })).toBeVisible();
  await expect(page.getByTestId('user-email')).toContainText(email);
  const card = page.getByTestId('tenant-card');
  await expect(card).toBeVisible();
  const tenantId = (await card.getByTestId('tenant-id').textContent())!.trim();
  expect(tenantId).toMatch(UUID);
  expect(STATUSES).toContain((await card.getByTestId('tenant-status').textContent())!.trim());
  await expect(card.getByTestId('tenant-since')).not.toBeEmpty();

  // The JSON view of the same tenant comes from the session.
  const api = await page.request.get('/api/tenant');
  expect(api.status()).toBe(200);
  expect((await api.json()).id).toBe(tenantId);
  // Navigation: no Ops for a plain user.
  const nav = page.getByTestId('dashboard-nav');
  await expect(nav.getByRole('link', { name: 'Projects' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'CLI sessions' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Ops' })).toHaveCount(0);
  await nav.getByRole('link', { name: 'Projects' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Projects' })).toHaveAttribute('aria-current', 'page');

  // The tenant's own page works and shows the sign-up in its activity.
  await page.goto(`/tenants/${tenantId}`);
  await expect(page.getByTestId('tenant-id')).toHaveText(tenantId);
  await expect(page.getByTestId('tenant-activity')).toContainText('tenant.created');

  // Signing in again as the same email is the same account and tenant.
  await signOut(page);
  expect(await sessionOf(page)).toEqual({});
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard/);
  await signIn(page, email);
  await expect(page.getByTestId('tenant-id')).toHaveText(tenantId);
});

test('protected pages redirect to sign-in when signed out, and come back after', async ({ page }) => {
  for (const p of ['/dashboard', '/projects', '/cli-sessions', '/ops', '/tenants/7b0c3a52-1111-4222-8333-944455556666']) {
    const res = await page.goto(p);
    expect(res!.status()).toBe(200);
    const u = new URL(page.url());
    expect(u.pathname).toBe('/signin');
    expect(u.searchParams.get('callbackUrl')).toBe(p);
  }
  // API paths answer 401 JSON, never a redirect.
  const api = await page.request.get('/api/tenant', { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  expect(await api.json()).toEqual({ detail: 'Authentication required.' });

  // Signing in from a redirect lands where the person was going.
  await page.goto('/cli-sessions');
  await page.getByTestId('sign-in').click();
  await page.waitForURL(/\/interaction\//);
  await page.locator('#email').fill(uniqueEmail('back'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL('**/cli-sessions');
  await expect(page.getByTestId('cli-sessions-empty')).toBeVisible();
});

test("a second user gets 404 (not 403) for the first user's tenant", async ({ page, browser }) => {
  await signIn(page, uniqueEmail('owner'));
  const tenantA = (await page.getByTestId('tenant-id').textContent())!.trim();
  expect((await page.goto(`/tenants/${tenantA}`))!.status()).toBe(200);

  const ctxB = await browser.newContext();
  const b = await ctxB.newPage();
  await signIn(b, uniqueEmail('intruder'));
  const tenantB = (await b.getByTestId('tenant-id').textContent())!.trim();
  expect(tenantB).not.toBe(tenantA);

  const res = await b.goto(`/tenants/${tenantA}`);
  expect(res!.status()).toBe(404);
  await expect(b.getByTestId('not-found')).toBeVisible();
  await expect(b.locator('body')).not.toContainText(tenantA);
  // Unknown and malformed ids look exactly the same.
  expect((await b.goto('/tenants/00000000-0000-4000-8000-000000000000'))!.status()).toBe(404);
  expect((await b.goto('/tenants/not-a-uuid'))!.status()).toBe(404);
  // B's own tenant API answer is B's tenant.
  expect((await (await b.request.get('/api/tenant')).json()).id).toBe(tenantB);
  await ctxB.close();
});

test('callback with a wrong or missing state → friendly error, no session, no user row', async ({ page, browser }) => {
  const email = uniqueEmail('mallory');
  const callback = await callbackUrlFromDevProvider(page, email);
  expect(new URL(callback).pathname).toBe('/api/auth/callback/oidc');

  const wrong = new URL(callback);
  expect(wrong.searchParams.get('code')).toBeTruthy();
  wrong.searchParams.set('state', 'tampered-' + wrong.searchParams.get('state'));
  await page.goto(wrong.toString());
  await expect(page).toHaveURL(/\/auth\/error\?error=OAuthCallback/);
  await expect(page.getByTestId('auth-error')).toContainText('could not be verified');
  await expect(page.locator('body')).not.toContainText(/at \w+ \(|node_modules|Error:/);
  expect(await sessionOf(page)).toEqual({});

  const missing = new URL(callback);
  missing.searchParams.delete('state');
  await page.goto(missing.toString());
  await expect(page.getByTestId('auth-error')).toBeVisible();
  expect(await sessionOf(page)).toEqual({});
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin/);

  // Denied consent at the provider: friendly error, no session.
  const denied = uniqueEmail('denied');
  await startDevSignIn(page);
  await page.locator('#email').fill(denied);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('auth-error')).toBeVisible();
  expect(await sessionOf(page)).toEqual({});

  // Neither email has an account: the ops view lists every tenant owner.
  const ops = await (await browser.newContext()).newPage();
  await signIn(ops, E2E_OPS_EMAIL);
  await ops.goto('/ops');
  await expect(ops.getByTestId('ops-tenants')).toContainText(E2E_OPS_EMAIL);
  await expect(ops.getByTestId('ops-tenants')).not.toContainText(email);
  await expect(ops.getByTestId('ops-tenants')).not.toContainText(denied);
  await ops.context().close();

  // And directly in the server's Postgres (when it has one): the ops user who did sign in is there,
  // which shows we read the right database, and neither refused email has a users row.
  const db = await e2eDb();
  test.info().annotations.push({ type: 'users-row check', description: db ? 'Postgres' : 'PGlite server: ops view only' });
  if (db) {
    try {
      expect(await db.usersByEmail(E2E_OPS_EMAIL)).toBe(1);
      expect(await db.usersByEmail(email)).toBe(0);
      expect(await db.usersByEmail(denied)).toBe(0);
    } finally {
      await db.close();
    }
  }
});

test('a tampered session cookie is no session: sign in again, with a note', async ({ page, context }) => {
  await signIn(page, uniqueEmail('cookie'));
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'next-auth.session-token')!;
  expect(session).toBeTruthy();
  await context.addCookies([{ ...session, value: session.value.slice(0, -6) + 'AAAAAA' }]);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin\?.*reason=session/);
  await expect(page.getByTestId('session-expired')).toBeVisible();
  expect(await sessionOf(page)).toEqual({});
  expect((await page.request.get('/api/tenant')).status()).toBe(401);
});

test('an expired session cookie (signed with our secret, exp in the past) is no session: sign in again', async ({ page, context }) => {
  await signIn(page, uniqueEmail('expired'));
  const session = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!;
  expect(session).toBeTruthy();
  const secret = e2eAuthSecret();
  const claims = await decodeSessionCookie(session.value, secret);
  expect(claims.uid).toBeTruthy();

  // Control: the same claims re-encoded with a future exp are a session — the forging is sound, so
  // the refusal below is about the expiry and nothing else.
  await context.addCookies([{ ...session, value: await encodeSessionCookie(claims, secret, 3600) }]);
  expect(((await sessionOf(page)).user as { id?: string } | undefined)?.id).toBe(claims.uid);

  // exp an hour ago (well past next-auth's 15 s clock tolerance).
  await context.addCookies([{ ...session, value: await encodeSessionCookie(claims, secret, -3600) }]);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin\?.*reason=session/);
  await expect(page.getByTestId('session-expired')).toBeVisible();
  expect(await sessionOf(page)).toEqual({});
  expect((await page.request.get('/api/tenant')).status()).toBe(401);
});

test('the ops role needs OPS_EMAILS and a verified email', async ({ page }) => {
  // Unverified: a plain user, no Ops navigation, /ops is a 404.
  await signIn(page, E2E_OPS_EMAIL, { verified: false });
  await expect(page.getByTestId('dashboard-nav').getByRole('link', { name: 'Ops' })).toHaveCount(0);
  expect((await page.goto('/ops'))!.status()).toBe(404);
  await signOut(page);

  // Verified: ops.
  await signIn(page, E2E_OPS_EMAIL, { verified: true });
  await expect(page.getByTestId('user-email')).toContainText('ops');
  await page.getByTestId('dashboard-nav').getByRole('link', { name: 'Ops' }).click();
  await page.waitForURL('**/ops');
  await expect(page.getByTestId('ops-tenants')).toBeVisible();
  await signOut(page);

  // Unverified again: the role is taken away at sign-in.
  await signIn(page, E2E_OPS_EMAIL, { verified: false });
  expect((await page.goto('/ops'))!.status()).toBe(404);

  // A verified email not in OPS_EMAILS is never ops.
  await signOut(page);
  await signIn(page, uniqueEmail('plain'), { verified: true });
  expect((await page.goto('/ops'))!.status()).toBe(404);
});

test('sign-in never sends people to another site', async ({ page }) => {
  for (const evil of ['https://evil.example/phish', '//evil.example/phish', '/\\evil.example']) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(evil)}`);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(/\/interaction\//);
    await page.locator('#email').fill(uniqueEmail('redirect'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/dashboard' || u.hostname.includes('evil'));
    expect(new URL(page.url()).host).toBe(new URL(APP_URL).host);
    await page.context().clearCookies();
  }
});

test('unknown routes: a 404 page, not a stack trace; unknown API paths: JSON 404', async ({ page }) => {
  const res = await page.goto('/definitely/not/here');
  expect(res!.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(/node_modules|at \w+ \(/);
  const api = await page.request.get('/api/definitely-not-here/', { maxRedirects: 0 });
  expect(api.status()).toBe(404);
  expect(await api.json()).toEqual({ detail: 'Not Found' });
});

test('health answers with the database state', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: 'ok', database: { status: 'ok' } });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});
