// The pages read well at a phone's width and a desktop's: no horizontal overflow; screenshots are
// written to test-results/screens/ for a human look.
import { expect, test } from '@playwright/test';
import { expectNoHorizontalOverflow } from './helpers/a11y.ts';
import { E2E_OPS_EMAIL } from './helpers/env.ts';
import { signIn, signOut, startDevSignIn, uniqueEmail } from './helpers/sign-in.ts';

const WIDTHS = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 800 }];

for (const vp of WIDTHS) {
  test(`layout at ${vp.name} width (${vp.width}px)`, async ({ page }) => {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    const shots: Array<[string, string]> = [['landing', '/'], ['signin', '/signin'], ['auth-error', '/auth/error?error=OAuthCallback']];
    for (const [name, path] of shots) {
      await page.goto(path);
      await expectNoHorizontalOverflow(page, `${page.url()} at ${vp.width} px`);
      await page.screenshot({ path: `${test.info().outputDir}/../screens/${vp.name}-${name}.png`, fullPage: true });
    }
    await startDevSignIn(page);
    await expectNoHorizontalOverflow(page, `${page.url()} at ${vp.width} px`);
    await page.screenshot({ path: `${test.info().outputDir}/../screens/${vp.name}-dev-login.png`, fullPage: true });
    await signIn(page, uniqueEmail('layout'), { name: 'Layout Tester' });
    for (const [name, path] of [['dashboard', '/dashboard'], ['projects', '/projects'], ['cli-sessions', '/cli-sessions'], ['connected-apps', '/connected-apps'], ['not-found', '/nope'], ['not-found-in-app', '/tenants/00000000-0000-4000-8000-000000000000']] as const) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      // A 404 shows the brand once, whether the URL is unknown or a dashboard page refused it.
      if (name.startsWith('not-found')) await expect(page.getByRole('link', { name: 'Basic Memory Cloud' })).toHaveCount(1);
      await expectNoHorizontalOverflow(page, `${page.url()} at ${vp.width} px`);
      await page.screenshot({ path: `${test.info().outputDir}/../screens/${vp.name}-${name}.png`, fullPage: true });
    }
    await signOut(page);
    await signIn(page, E2E_OPS_EMAIL, { callbackUrl: '/ops' });
    await expect(page.getByTestId('ops-tenants')).toBeVisible();
    await expectNoHorizontalOverflow(page, `${page.url()} at ${vp.width} px`);
    await page.screenshot({ path: `${test.info().outputDir}/../screens/${vp.name}-ops.png`, fullPage: true });
  });
}

