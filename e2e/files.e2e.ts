// Files in and out from the dashboard, at a phone's width and a desktop's: a ZIP is uploaded into a project
// (progress, result), the project comes back as a streamed ZIP holding it, a folder of files is uploaded one by
// one, and an app password is created (shown once), listed and revoked. axe-core finds no serious or critical
// violation on either page. Screenshots go to test-results/…/screens/.
import { expect, test } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

const WIDTHS = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 800 }];

function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [n, c] of Object.entries(entries)) z.addBuffer(Buffer.from(c), n);
  z.end();
  return new Promise((resolve) => { const parts: Buffer[] = []; z.outputStream.on('data', (c: Buffer) => parts.push(c)); z.outputStream.on('end', () => resolve(Buffer.concat(parts))); });
}

function namesIn(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, zip) => {
    if (err) return reject(err);
    const names: string[] = [];
    zip.on('entry', (e: yauzl.Entry) => { names.push(e.fileName); zip.readEntry(); });
    zip.on('end', () => resolve(names.sort()));
    zip.readEntry();
  }));
}

for (const vp of WIDTHS) {
  test(`files: ZIP upload and streamed ZIP download, folder upload, app passwords (${vp.name})`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await signIn(page, uniqueEmail(`files-${vp.name}`));
    await page.goto('/dashboard');
    await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 30_000 });
    const shots = `${test.info().outputDir}/../screens`;

    await page.goto('/files');
    await expect(page.getByTestId('files-project')).toBeVisible({ timeout: 30_000 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-e2e-files-'));
    const zipPath = path.join(dir, 'import.zip');
    fs.writeFileSync(zipPath, await zipOf({ 'imported/one.md': '# One\n\nthe marmot atlas\n', 'imported/two.md': '# Two\n', '.hidden/no.md': 'no' }));
    await page.getByTestId('files-zip').setInputFiles(zipPath);
    await page.getByTestId('files-upload').click();
    await expect(page.getByTestId('files-upload-result')).toContainText('2 files written, 1 skipped');
    await expect(page.getByTestId('files-progress')).toHaveAttribute('value', /\d+/);
    await expectNoHorizontalOverflow(page, `files at ${vp.width} px`);
    await expectNoSeriousAxe(page, `files at ${vp.width} px`);
    await page.screenshot({ path: `${shots}/${vp.name}-files.png`, fullPage: true });

    // a folder of files, one request each
    const folder = path.join(dir, 'folder');
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'three.md'), '# Three\n');
    fs.writeFileSync(path.join(folder, 'sub', 'four.md'), '# Four\n');
    await page.getByTestId('files-folder').fill('from-folder');
    await page.getByTestId('files-dir').setInputFiles(folder);
    await page.getByTestId('files-upload').click();
    await expect(page.getByTestId('files-upload-result')).toContainText('2 files written');
    await page.getByTestId('files-folder').fill('');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('files-download').click()]);
    const saved = path.join(dir, 'project.zip');
    await download.saveAs(saved);
    const names = await namesIn(saved);
    expect(names).toEqual(expect.arrayContaining(['imported/one.md', 'imported/two.md', 'from-folder/three.md', 'from-folder/sub/four.md']));
    expect(names.some((n) => n.startsWith('.hidden'))).toBe(false);

    // app passwords: created and shown once, listed with its last use, revoked
    await page.goto('/app-passwords');
    await page.getByTestId('app-password-name').fill('e2e rclone');
    await page.getByTestId('app-password-create').click();
    await expect(page.getByTestId('app-password-secret')).toHaveText(/^bmap_/);
    const secret = (await page.getByTestId('app-password-secret').textContent())!;
    const user = (await page.getByTestId('app-password-user').textContent())!;
    await expect(page.getByTestId('app-password')).toHaveCount(1);
    const basic = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    const pf = await page.request.fetch('/proxy/webdav/', { method: 'PROPFIND', headers: { authorization: basic, depth: '1' } });
    expect(pf.status()).toBe(207);
    await expectNoHorizontalOverflow(page, `app passwords at ${vp.width} px`);
    await expectNoSeriousAxe(page, `app passwords at ${vp.width} px`);
    await page.screenshot({ path: `${shots}/${vp.name}-app-passwords.png`, fullPage: true });
    await page.getByTestId('app-password-revoke').click();
    await expect(page.getByTestId('app-password-revoke-dialog')).toBeVisible();
    await expectNoSeriousAxe(page, `app-password revoke dialog at ${vp.width} px`);
    await page.screenshot({ path: `${shots}/${vp.name}-app-password-revoke-dialog.png` });
    await page.getByTestId('app-password-revoke-confirm').click();
    await expect(page.getByTestId('app-passwords-empty')).toBeVisible();
    const after = await page.request.fetch('/proxy/webdav/', { method: 'PROPFIND', headers: { authorization: basic, depth: '1' } });
    expect(after.status()).toBe(401);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
