// Snapshots in the browser: take a snapshot with a description, an agent overwrites a note and deletes a folder,
// then the person opens the snapshot as a folder tree and restores the note (the overwritten version goes to the
// trash) and the folder, each after a confirmation naming what will change; no serious/critical axe violation at
// 390 and 1280 px (list, tree, dialog); the note history shows the versions kept at each write and restores one. Run: E2E_BASE_PORT=8300 npm test -- --e2e snapshots
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousAxe } from './helpers/a11y.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

async function browserFetch(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return page.evaluate(async ([m, p, b]) => {
    const res = await fetch(p as string, { method: m as string, redirect: 'manual', headers: b != null ? { 'content-type': 'application/json' } : {}, body: b != null ? JSON.stringify(b) : undefined });
    return { status: res.status, body: await res.text() };
  }, [method, path, body ?? null] as const);
}

test('snapshot → overwrite a note and delete a folder → restore both from the snapshot tree', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, uniqueEmail('snap'));
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 30_000 });

  const plan = '# Plan\n\nthe careful plan\n';
  expect((await browserFetch(page, 'POST', '/proxy/main/knowledge/entities', { title: 'Plan', folder: 'work', content: plan })).status).toBe(200);
  for (const t of ['Paper One', 'Paper Two']) {
    expect((await browserFetch(page, 'POST', '/proxy/main/knowledge/entities', { title: t, folder: 'research', content: `# ${t}\n\nfindings of ${t}\n` })).status).toBe(200);
  }
  const original = (await browserFetch(page, 'GET', '/proxy/main/resource/work/Plan.md')).body;

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/snapshots');
  await page.getByTestId('snapshot-description-input').fill('before the agent ran');
  await page.getByTestId('snapshot-create').click();
  const row = page.getByTestId('snapshot-row').filter({ hasText: 'before the agent ran' });
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row.getByTestId('snapshot-kind')).toHaveText('Manual');
  await expect(row.getByTestId('snapshot-files')).not.toHaveText('0');
  await expectNoSeriousAxe(page, 'snapshots at 1280 px');
  await page.screenshot({ path: test.info().outputPath('snapshots-1280.png'), fullPage: true });
  // the page and its BFF route (upstream's API) agree
  const api = JSON.parse((await browserFetch(page, 'GET', '/api/bucket-snapshots')).body);
  const id = await row.getAttribute('data-snapshot-id');
  expect(api.snapshots.map((s: { id: string }) => s.id)).toContain(id);

  // the agent: overwrites the plan, deletes the research notes
  expect((await browserFetch(page, 'PUT', '/proxy/main/resource/work/Plan.md', '# Plan\n\nreplaced by an agent\n')).status).toBeLessThan(300);
  for (const t of ['Paper%20One', 'Paper%20Two']) expect((await browserFetch(page, 'DELETE', `/proxy/main/knowledge/entities/research/${t}.md`)).status).toBe(200);

  await row.getByTestId('snapshot-open').click();
  await expect(page).toHaveURL(new RegExp(`/snapshots/${id}$`));
  await page.getByTestId('snapshot-folder').filter({ hasText: 'main' }).getByRole('link').click();
  await page.getByTestId('snapshot-folder').filter({ hasText: 'work' }).getByRole('link').click();
  const file = page.getByTestId('snapshot-file').filter({ hasText: 'Plan.md' });
  await file.getByTestId('snapshot-restore').click();
  const dialog = page.getByTestId('snapshot-restore-dialog');
  await expect(dialog.getByTestId('snapshot-restore-what')).toContainText('main/work/Plan.md will be put back');
  await expect(dialog.getByTestId('snapshot-restore-what')).toContainText('moved to the trash first');
  await expectNoSeriousAxe(page, 'restore dialog at 1280 px');
  await dialog.getByTestId('snapshot-restore-confirm').click();
  await expect(dialog.getByTestId('snapshot-restore-result')).toContainText('Restored 1 file; 1 current version moved to the trash.');
  await dialog.getByTestId('snapshot-restore-done').click();
  expect((await browserFetch(page, 'GET', '/proxy/main/resource/work/Plan.md')).body).toBe(original);
  const trash = JSON.parse((await browserFetch(page, 'GET', '/api/tenant/trash')).body);
  expect(trash.items.some((i: { path: string }) => i.path === 'work/Plan.md')).toBe(true);

  // the deleted folder, at phone width
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('snapshot-breadcrumbs').getByRole('link', { name: 'main' }).click();
  const folder = page.getByTestId('snapshot-folder').filter({ hasText: 'research' });
  await expect(folder).toContainText('2 files');
  await expectNoSeriousAxe(page, 'snapshot tree at 390 px');
  await page.screenshot({ path: test.info().outputPath('snapshot-tree-390.png'), fullPage: true });
  await folder.getByTestId('snapshot-restore').click();
  await expect(dialog.getByTestId('snapshot-restore-what')).toContainText('The 2 files under main/research/');
  await dialog.getByTestId('snapshot-restore-confirm').click();
  await expect(dialog.getByTestId('snapshot-restore-result')).toContainText('Restored 2 files.');
  await dialog.getByTestId('snapshot-restore-done').click();
  expect((await browserFetch(page, 'GET', '/proxy/main/resource/research/Paper%20One.md')).body).toContain('findings of Paper One');
  expect((await browserFetch(page, 'GET', '/proxy/main/resource/research/Paper%20Two.md')).body).toContain('findings of Paper Two');

  await page.goto('/snapshots');
  await expectNoSeriousAxe(page, 'snapshots at 390 px');
  await page.screenshot({ path: test.info().outputPath('snapshots-390.png'), fullPage: true });

  // note history: edit the plan again, see the snapshot's version and the diff to the current one, restore it
  expect((await browserFetch(page, 'PUT', '/proxy/main/resource/work/Plan.md', '# Plan\n\nthe careful plan, revised\nwith a second line\n')).status).toBeLessThan(300);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/projects/main/notes/work/Plan.md');
  await page.getByTestId('note-history').click();
  await expect(page.getByTestId('history-title')).toHaveText('History of Plan.md');
  // the version the manual snapshot holds (a scheduled snapshot may add others meanwhile)
  const version = page.locator(`[data-testid="history-version"][data-snapshot-id="${id}"]`);
  await expect(version).toBeVisible();
  await version.getByTestId('history-compare-current').click();
  const diff = page.getByTestId('history-diff');
  await expect(diff.locator('[data-diff="del"]')).toContainText(['the careful plan']);
  await expect(diff.locator('[data-diff="add"]')).toContainText(['the careful plan, revised', 'with a second line']);
  await expect(diff.getByTestId('diff-added')).toHaveText('2 added');
  await expectNoSeriousAxe(page, 'note history at 1280 px');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSeriousAxe(page, 'note history at 390 px');
  await page.screenshot({ path: test.info().outputPath('note-history-390.png'), fullPage: true });
  await version.getByTestId('snapshot-restore').click();
  await expect(dialog.getByTestId('snapshot-restore-what')).toContainText('main/work/Plan.md will be put back');
  await dialog.getByTestId('snapshot-restore-confirm').click();
  await expect(dialog.getByTestId('snapshot-restore-result')).toContainText('Restored 1 file; 1 current version moved to the trash.');
  await dialog.getByTestId('snapshot-restore-done').click();
  expect((await browserFetch(page, 'GET', '/proxy/main/resource/work/Plan.md')).body).toBe(original);

  // the versions kept at each write, beside the snapshot's: the agent's and the revision's overwrites, and the
  // restore that just replaced the revised text (each with who wrote); restore the revised text from there
  const revised = '# Plan\n\nthe careful plan, revised\nwith a second line\n';
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.reload();
  const writes = page.getByTestId('history-write-version');
  await expect(writes.first()).toHaveAttribute('data-reason', 'restore');
  await expect(writes.first().getByTestId('history-write-detail')).toContainText('by browser');
  await expect(page.locator('[data-testid="history-write-version"][data-reason="overwrite"]')).toHaveCount(2);
  await writes.first().getByTestId('history-compare-current').click();
  await expect(diff.locator('[data-diff="del"]')).toContainText(['the careful plan, revised', 'with a second line']);
  await writes.first().getByTestId('write-restore').click();
  const wdialog = page.getByTestId('write-restore-dialog');
  await expect(wdialog.getByTestId('write-restore-what')).toContainText('main/work/Plan.md will get back');
  await expectNoSeriousAxe(page, 'write-version restore dialog at 1280 px');
  await wdialog.getByTestId('write-restore-confirm').click();
  await expect(wdialog.getByTestId('write-restore-result')).toContainText('Restored.');
  await wdialog.getByTestId('write-restore-done').click();
  expect((await browserFetch(page, 'GET', '/proxy/main/resource/work/Plan.md')).body).toBe(revised);
  // the restore kept what it replaced (the original), as the newest version
  await expect(writes.first()).toHaveAttribute('data-reason', 'restore');
  await expect(writes).toHaveCount(4);
  await expectNoSeriousAxe(page, 'note history with write versions at 1280 px');
  await page.screenshot({ path: test.info().outputPath('note-history-writes-1280.png'), fullPage: true });
});
