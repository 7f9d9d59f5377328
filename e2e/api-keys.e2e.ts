// API keys from the dashboard, at a phone's width and a desktop's: a read-only and a read-write key are created (each
// shown once), used as Bearer on /proxy (the read-only one is refused a write), listed with their last use, and one is
// revoked through the confirmation dialog, after which it is refused at once. axe-core finds no serious or critical
// violation. Screenshots go to test-results/…/screens/.
import { expect, test, type Page } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

const WIDTHS = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 800 }];

async function createKey(page: Page, name: string, scope: 'read_only' | 'read_write'): Promise<string> {
  await page.getByTestId('api-key-name').fill(name);
  await page.getByTestId('api-key-scope').selectOption(scope);
  await page.getByTestId('api-key-create').click();
  // the panel names the key it shows: wait for this one, not the one shown before it
  await expect(page.getByTestId('api-key-shown')).toContainText(`“${name}” created`);
  await expect(page.getByTestId('api-key-secret')).toHaveText(/^bmc_[A-Za-z0-9_-]{43}$/);
  return (await page.getByTestId('api-key-secret').textContent())!;
}

for (const vp of WIDTHS) {
  test(`API keys: create read-only and read-write, use, revoke with a dialog (${vp.name})`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await signIn(page, uniqueEmail(`keys-${vp.name}`));
    await page.goto('/dashboard');
    await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 30_000 });
    const shots = `${test.info().outputDir}/../screens`;

    await page.goto('/api-keys');
    await expect(page.getByTestId('api-keys-empty')).toBeVisible();
    const reader = await createKey(page, 'e2e reader', 'read_only');
    const writer = await createKey(page, 'e2e writer', 'read_write');
    await expect(page.getByTestId('api-key')).toHaveCount(2);
    const auth = (k: string) => ({ authorization: `Bearer ${k}`, 'content-type': 'application/json' });
    expect((await page.request.get('/proxy/projects/projects', { headers: auth(reader) })).status()).toBe(200);
    const note = JSON.stringify({ title: 'Key Note', folder: 'keys', content: 'from an API key\n' });
    const refused = await page.request.put('/proxy/main/knowledge/entities/keys/key-note', { headers: auth(reader), data: note });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).detail).toMatch(/read-only/);
    const written = await page.request.put('/proxy/main/knowledge/entities/keys/key-note', { headers: auth(writer), data: note });
    expect(written.ok(), `${written.status()} ${await written.text()}`).toBe(true);
    const ws = await page.request.get('/workspaces/', { headers: auth(writer) });
    expect(ws.status()).toBe(200);
    expect((await ws.json()).count).toBe(1);

    await page.reload();
    await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
    await expect(page.getByTestId('api-key-last-used').first()).not.toContainText('never');
    await expectNoHorizontalOverflow(page, `API keys at ${vp.width} px`);
    await expectNoSeriousAxe(page, `API keys at ${vp.width} px`);
    await page.screenshot({ path: `${shots}/${vp.name}-api-keys.png`, fullPage: true });

    const row = page.getByTestId('api-key').filter({ hasText: 'e2e writer' });
    await row.getByTestId('api-key-revoke').click();
    await expect(page.getByTestId('api-key-revoke-dialog')).toBeVisible();
    await expectNoSeriousAxe(page, `revoke dialog at ${vp.width} px`);
    await page.getByTestId('api-key-revoke-confirm').click();
    await expect(page.getByTestId('api-key')).toHaveCount(1);
    expect((await page.request.get('/proxy/projects/projects', { headers: auth(writer) })).status()).toBe(401);
    expect((await page.request.get('/proxy/projects/projects', { headers: auth(reader) })).status()).toBe(200);
  });
}
