// Server-side browser sessions: sign-out ends the session on the server (a copy of the old cookie is
// refused), a new session id at every sign-in, and /sessions lists the person's browsers and ends the
// others — at phone and desktop widths, with no serious or critical axe-core violation.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import { decodeSessionCookie, e2eAuthSecret, SESSION_COOKIE } from './helpers/session-cookie.ts';
import { sessionOf, signIn, signOut, uniqueEmail } from './helpers/sign-in.ts';
import { APP_URL } from './helpers/env.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function newPage(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: APP_URL });
  return context.newPage();
}

async function sessionCookie(page: Page) {
  const c = (await page.context().cookies()).find((x) => x.name === SESSION_COOKIE);
  expect(c, 'a session cookie').toBeTruthy();
  return c!;
}

test('sign-out ends the session on the server: a copy of the old cookie no longer works anywhere', async ({ page, browser }) => {
  await signIn(page, uniqueEmail('signout'));
  const copy = await sessionCookie(page);
  expect((await page.request.get('/api/tenant')).status()).toBe(200);
  await signOut(page);

  // Another browser presents the copied cookie.
  const thief = await newPage(browser, DESKTOP);
  await thief.context().addCookies([copy]);
  expect(await sessionOf(thief)).toEqual({});
  expect((await thief.request.get('/api/tenant')).status()).toBe(401);
  expect((await thief.request.get('/api/browser-sessions')).status()).toBe(401);
  const proxied = await thief.request.get('/proxy/v2/projects/', { maxRedirects: 0 });
  expect(proxied.status()).toBe(401);
  await thief.goto('/dashboard');
  await expect(thief).toHaveURL(/\/signin\?/);
  await thief.context().close();
});

test('every sign-in gets a new session id (same browser again, or another browser of the same person)', async ({ page, browser }) => {
  const email = uniqueEmail('rotate');
  const secret = e2eAuthSecret();
  await signIn(page, email);
  const first = await sessionCookie(page);
  const sid1 = (await decodeSessionCookie(first.value, secret)).sid;
  expect(sid1).toBeTruthy();
  await signOut(page);
  await signIn(page, email);
  const sid2 = (await decodeSessionCookie((await sessionCookie(page)).value, secret)).sid;
  expect(sid2).toBeTruthy();
  expect(sid2).not.toBe(sid1);
  expect((await page.request.get('/api/tenant')).status()).toBe(200);
  // The cookie from the first sign-in stays dead after the second.
  const old = await newPage(browser, DESKTOP);
  await old.context().addCookies([first]);
  expect((await old.request.get('/api/tenant')).status()).toBe(401);
  // Another browser of the same person: its own id; both live.
  await signIn(old, email);
  const sid3 = (await decodeSessionCookie((await sessionCookie(old)).value, secret)).sid;
  expect(new Set([sid1, sid2, sid3]).size).toBe(3);
  expect((await old.request.get('/api/tenant')).status()).toBe(200);
  expect((await page.request.get('/api/tenant')).status()).toBe(200);
  await old.context().close();
});

test('/sessions lists my browsers at phone and desktop widths and ends the others', async ({ browser }) => {
  const email = uniqueEmail('sessions');
  const desktop = await newPage(browser, DESKTOP);
  const phone = await newPage(browser, PHONE);
  const third = await newPage(browser, DESKTOP);
  await signIn(desktop, email);
  await signIn(phone, email);
  await signIn(third, email);

  // Phone: the list shows all three, this one marked, and passes axe.
  await phone.goto('/sessions');
  await expect(phone.getByRole('heading', { name: 'Browser sessions' })).toBeVisible();
  await expect(phone.getByTestId('browser-session')).toHaveCount(3);
  await expect(phone.locator('[data-testid="browser-session"][data-current="true"]')).toHaveCount(1);
  await expect(phone.locator('[data-testid="browser-session"][data-current="true"]')).toContainText('This browser');
  await expectNoSeriousAxe(phone, '/sessions at 390 px');
  await expectNoHorizontalOverflow(phone, '/sessions at 390 px');
  await phone.screenshot({ path: 'test-results/sessions-phone.png', fullPage: true });

  // The BFF route agrees with the page.
  const api = await (await phone.request.get('/api/browser-sessions')).json() as { sessions: Array<{ id: string; current: boolean }> };
  expect(api.sessions).toHaveLength(3);
  expect(api.sessions.filter((s) => s.current)).toHaveLength(1);
  // Cookie-authenticated writes need our Origin.
  expect((await phone.request.delete('/api/browser-sessions', { headers: { origin: 'https://evil.example' } })).status()).toBe(403);

  // Phone ends one other session (the third browser's) with its row button.
  const thirdSid = (await decodeSessionCookie((await sessionCookie(third)).value, e2eAuthSecret())).sid as string;
  const thirdRow = phone.locator('[data-testid="browser-session"]').filter({ has: phone.locator(`input[name="id"][value="${thirdSid}"]`) });
  await thirdRow.getByTestId('browser-session-end').click();
  await expect(phone.getByTestId('sessions-flash')).toContainText('Ended 1 session');
  await expect(phone.getByTestId('browser-session')).toHaveCount(2);
  await third.goto('/dashboard');
  await expect(third).toHaveURL(/\/signin\?/);

  // Desktop: axe, then "End all other sessions" signs the phone out and keeps the desktop.
  await desktop.goto('/sessions');
  await expect(desktop.getByTestId('browser-session')).toHaveCount(2);
  await expectNoSeriousAxe(desktop, '/sessions at 1280 px');
  await desktop.screenshot({ path: 'test-results/sessions-desktop.png', fullPage: true });
  await desktop.getByTestId('sessions-end-others').click();
  await expect(desktop.getByTestId('sessions-flash')).toContainText('Ended 1 session');
  await expect(desktop.getByTestId('browser-session')).toHaveCount(1);
  await expect(desktop.getByTestId('sessions-end-others')).toHaveCount(0);
  expect((await desktop.request.get('/api/tenant')).status()).toBe(200);
  expect((await phone.request.get('/api/tenant')).status()).toBe(401);
  await phone.goto('/sessions');
  await expect(phone).toHaveURL(/\/signin\?/);

  for (const p of [desktop, phone, third]) await p.context().close();
});
