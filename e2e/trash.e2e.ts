// Trash: a note deleted through the tenant proxy shows on /trash (and GET /api/tenant/trash agrees), a restore
// that would overwrite is refused with a clear message, a restore puts the note back byte for byte, a purge
// removes the entry for good; cross-origin writes are refused; no serious/critical axe violation at 390 and
// 1280 px. Run: E2E_BASE_PORT=3900 npm test -- --e2e trash
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousAxe } from './helpers/a11y.ts';
import { APP_URL } from './helpers/env.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

type Api = { status: number; body: string; json: () => any };

async function browserFetch(page: Page, method: string, path: string, body?: unknown): Promise<Api> {
  const r = await page.evaluate(async ([m, p, b]) => {
    const res = await fetch(p as string, { method: m as string, redirect: 'manual', headers: b ? { 'content-type': 'application/json' } : {}, body: b ? JSON.stringify(b) : undefined });
    return { status: res.status, body: await res.text() };
  }, [method, path, body ?? null] as const);
  return { ...r, json: () => JSON.parse(r.body) };
}

test('delete → listed on /trash → conflicting restore refused → restore → purge', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, uniqueEmail('trash'));
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 30_000 });

  const content = '# Binned Note\n\nwords worth keeping\n';
  expect((await browserFetch(page, 'POST', '/proxy/main/knowledge/entities', { title: 'Binned Note', folder: 'inbox', content })).status).toBe(200);
  const original = (await browserFetch(page, 'GET', '/proxy/main/resource/inbox/Binned%20Note.md')).body;
  expect((await browserFetch(page, 'DELETE', '/proxy/main/knowledge/entities/inbox/Binned%20Note.md')).json()).toEqual({ deleted: true });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/trash');
  const row = page.getByTestId('trash-item').filter({ hasText: 'Binned Note' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('main / inbox/Binned Note.md');
  await expect(row).toContainText('Note');
  await expectNoSeriousAxe(page, 'trash at 1280 px');
  await page.screenshot({ path: test.info().outputPath('trash-1280.png'), fullPage: true });

  // the page and the BFF route agree
  const api = await browserFetch(page, 'GET', '/api/tenant/trash');
  expect(api.status).toBe(200);
  const ids = await page.getByTestId('trash-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-trash-id')));
  expect(api.json().items.map((i: { id: string }) => i.id)).toEqual(ids);
  expect(api.json().retention_days).toBe(30);

  // cross-origin writes through the BFF are refused
  const forged = await page.request.post(`${APP_URL}/api/tenant/trash/${ids[0]}/restore`, { headers: { origin: 'https://evil.test' } });
  expect(forged.status()).toBe(403);

  // something new at the same path: the restore is refused, naming the path
  expect((await browserFetch(page, 'POST', '/proxy/main/knowledge/entities', { title: 'Binned Note', folder: 'inbox', content: 'newer\n' })).status).toBe(200);
  await row.getByTestId('trash-restore').click();
  await expect(row.getByTestId('trash-error')).toContainText("Cannot restore 'inbox/Binned Note.md': something already exists");

  // move the newer note out of the way (into the trash as well), then restore the original
  expect((await browserFetch(page, 'DELETE', '/proxy/main/knowledge/entities/inbox/Binned%20Note.md')).status).toBe(200);
  await page.reload();
  await expect(page.getByTestId('trash-item')).toHaveCount(2);
  const originalRow = page.locator(`[data-trash-id="${ids[0]}"]`);
  await originalRow.getByTestId('trash-restore').click();
  await expect(originalRow).toHaveCount(0);
  expect((await browserFetch(page, 'GET', '/proxy/main/resource/inbox/Binned%20Note.md')).body).toBe(original);

  // the newer copy: deleted for good
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expectNoSeriousAxe(page, 'trash at 390 px');
  await page.screenshot({ path: test.info().outputPath('trash-390.png'), fullPage: true });
  await page.getByTestId('trash-item').first().getByTestId('trash-purge').click();
  // the app's own dialog asks first (never window.confirm); Cancel keeps the item
  const dialog = page.getByTestId('trash-purge-dialog');
  await expect(dialog).toBeVisible();
  await expectNoSeriousAxe(page, 'delete-for-good dialog at 390 px');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('trash-item')).toHaveCount(1);
  await page.getByTestId('trash-item').first().getByTestId('trash-purge').click();
  await dialog.getByTestId('trash-purge-confirm').click();
  await expect(page.getByTestId('trash-empty')).toBeVisible();
  expect((await browserFetch(page, 'GET', '/api/tenant/trash')).json().items).toEqual([]);
  await expectNoSeriousAxe(page, 'empty trash at 390 px');
});
