// Pages are locked down: a nonce-based Content-Security-Policy (fresh per response) with
// frame-ancestors 'none', nosniff and a Referrer-Policy on every page; pages load and hydrate with no
// CSP violation and no script error; a script without the nonce is blocked.
import { expect, test, type Page } from '@playwright/test';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

declare global { interface Window { __cspViolations: string[] } }

async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return problems;
}

function expectLockedDown(headers: Record<string, string>, what: string) {
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, `${what}: CSP`).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).not.toContain("'unsafe-inline' 'strict-dynamic'");
  expect(csp.match(/script-src[^;]*/)?.[0] ?? '', `${what}: no unsafe-inline scripts`).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBeTruthy();
}

test('public pages: CSP with a fresh nonce, nosniff, Referrer-Policy; no violations', async ({ page }) => {
  const problems = await watch(page);
  const nonces = new Set<string>();
  for (const path of ['/', '/signin', '/auth/error?error=Configuration', '/does-not-exist']) {
    const res = (await page.goto(path))!;
    const headers = res.headers();
    expectLockedDown(headers, path);
    nonces.add(/nonce-([^']+)/.exec(headers['content-security-policy']!)![1]!);
    // Next's scripts carry the nonce (it is how they run at all).
    const scriptNonces = await page.locator('script[src]').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
    expect(scriptNonces.length, path).toBeGreaterThan(0);
    expect(new Set(scriptNonces).size, path).toBe(1);
    expect(await page.evaluate(() => window.__cspViolations), path).toEqual([]);
  }
  expect(nonces.size, 'a new nonce per response').toBe(4);
  expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
});

test('signed-in pages hydrate under the CSP (client islands work) with no violations', async ({ page }) => {
  const problems = await watch(page);
  await signIn(page, uniqueEmail('csp'));
  for (const path of ['/dashboard', '/projects', '/cli-sessions', '/sessions', '/device']) {
    const res = (await page.goto(path))!;
    expectLockedDown(res.headers(), path);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => window.__cspViolations), path).toEqual([]);
  }
  // A client island works (React hydrated): the navigation is a client component with usePathname.
  await page.goto('/dashboard');
  await page.getByTestId('dashboard-nav').getByRole('link', { name: 'Browser sessions' }).click();
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(page.getByTestId('dashboard-nav').getByRole('link', { name: 'Browser sessions' })).toHaveAttribute('aria-current', 'page');
  // Script errors and CSP reports count; a missing resource (a 404 the page may probe) is not this test's concern.
  expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
});

test('the policy is enforced: injected markup with an inline handler does not run, and a violation is reported', async ({ page }) => {
  await watch(page);
  await page.goto('/');
  // The usual XSS shape: markup with an inline event handler. 'strict-dynamic' trusts scripts that our
  // own (nonced) scripts create, but never inline handlers or scripts without the nonce in markup.
  const ran = await page.evaluate(async () => {
    (window as unknown as { __injected?: boolean }).__injected = false;
    const div = document.createElement('div');
    div.innerHTML = '<img src="data:image/png;base64,AAAA" onerror="window.__injected = true">';
    document.body.appendChild(div);
    await new Promise((r) => setTimeout(r, 300));
    return (window as unknown as { __injected?: boolean }).__injected;
  });
  expect(ran).toBe(false);
  expect((await page.evaluate(() => window.__cspViolations)).some((v) => v.startsWith('script-src'))).toBe(true);
});

test('API and tenant-proxy answers are not pages: no CSP nonce work there, but nosniff still', async ({ request }) => {
  const health = await request.get('/api/health');
  expect(health.headers()['x-content-type-options']).toBe('nosniff');
  expect(health.headers()['content-security-policy']).toBeUndefined();
  const proxied = await request.get('/proxy/health', { maxRedirects: 0 });
  expect(proxied.status()).toBe(401);
});
