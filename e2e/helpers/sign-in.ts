// Signing in through the bundled development OpenID provider, for journeys.
//
//   import { signIn, signOut, uniqueEmail } from './helpers/sign-in.ts';
//   const email = uniqueEmail('alice');
//   await signIn(page, email);                          // lands on /dashboard
//   await signIn(page, email, { callbackUrl: '/device?user_code=ABCD-EFGH' });
//   await signIn(page, email, { verified: false });     // provider says email_verified=false
//
// Each Playwright test gets a fresh browser context (no cookies). For a second person in the same
// test, use `const other = await browser.newPage()` (new context) or signOut first.
import { expect, type Page } from '@playwright/test';

export interface SignInOptions {
  /** Send email_verified=true (default) or false. */
  verified?: boolean;
  name?: string;
  /** Where to land after sign-in (same-origin path). Default /dashboard. */
  callbackUrl?: string;
}

/** A unique email per call (the e2e server may be reused between runs, so never hard-code one). */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

/** Goes to /signin, continues to the development provider, submits the email and waits to land. */
export async function signIn(page: Page, email: string, opts: SignInOptions = {}): Promise<void> {
  const callbackUrl = opts.callbackUrl ?? '/dashboard';
  await startDevSignIn(page, callbackUrl);
  await page.locator('#email').fill(email);
  if (opts.name) await page.locator('#name').fill(opts.name);
  if (opts.verified === false) await page.locator('#verified').uncheck();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const target = new URL(callbackUrl, 'http://x');
  await page.waitForURL((u) => u.pathname === target.pathname && !u.pathname.startsWith('/interaction'), { timeout: 30_000 });
}

/** Goes from the app's sign-in page to the development provider's login form and stops there. */
export async function startDevSignIn(page: Page, callbackUrl = '/dashboard'): Promise<void> {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByTestId('sign-in').click();
  await page.waitForURL(/\/interaction\/[\w-]+$/);
  await expect(page.locator('#email')).toBeVisible();
}

/**
 * Starts sign-in in the browser, submits the provider's form with the context's cookies but without
 * following redirects, and returns the app callback URL (code + state) the browser would have
 * visited — for tests that tamper with it. The browser is left on the provider's login page.
 */
export async function callbackUrlFromDevProvider(page: Page, email: string, opts: { verified?: boolean } = {}): Promise<string> {
  await startDevSignIn(page);
  const formAction = new URL(page.url());
  const form: Record<string, string> = { email };
  if (opts.verified !== false) form.verified = 'on';
  let res = await page.request.post(`${formAction.origin}${formAction.pathname}/login`, { form, maxRedirects: 0 });
  for (let hop = 0; hop < 5; hop++) {
    const location = res.headers()['location'];
    if (!location) throw new Error(`development provider answered ${res.status()} without a redirect`);
    const next = new URL(location, res.url());
    if (next.pathname === '/api/auth/callback/oidc') return next.toString();
    res = await page.request.get(next.toString(), { maxRedirects: 0 });
  }
  throw new Error('no callback redirect from the development provider');
}

/** Signs out through the dashboard's button and waits for the landing page. */
export async function signOut(page: Page): Promise<void> {
  if (!(await page.getByTestId('sign-out').isVisible().catch(() => false))) await page.goto('/dashboard');
  await page.getByTestId('sign-out').click();
  await page.waitForURL((u) => u.pathname === '/');
}

/** The session JSON next-auth serves (`{}` when signed out). */
export async function sessionOf(page: Page): Promise<Record<string, unknown>> {
  const r = await page.request.get('/api/auth/session');
  return (await r.json()) as Record<string, unknown>;
}
