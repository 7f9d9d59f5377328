// The notes browser: a person browses the folder tree, reads a note with its backlinks (and the text
// around each link), searches (Ctrl+K) with a filter, creates a note, edits it while the file changes on
// disk (the conflict is shown, nothing is overwritten), renames and deletes it; a binary file shows its
// size and type; raw HTML in a note never runs; a second person gets 404 for these notes. Phone and
// desktop widths, axe-core (no serious or critical violation), screenshots.
// Run with E2E_BASE_PORT=4000 (its own build and data dir).
import { expect, test, type Page } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_BASE_PORT, E2E_DATA_DIR } from './helpers/env.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

const SCREENS = path.join('test-results', `e2e-${E2E_BASE_PORT}`, 'screens');

async function waitForRunning(page: Page): Promise<string> {
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 45_000 });
  return (await page.getByTestId('tenant-id').textContent())!.trim();
}

/** Same-origin fetch from the page (the browser's cookie and Origin). */
async function browserFetch(page: Page, method: string, url: string): Promise<{ status: number; body: string }> {
  return page.evaluate(async ([m, u]) => {
    const r = await fetch(u as string, { method: m as string });
    return { status: r.status, body: await r.text() };
  }, [method, url] as const);
}

async function shoot(page: Page, name: string) {
  for (const [w, h] of [[390, 844], [1280, 900]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await expectNoSeriousAxe(page, `${name} at ${w}px`);
    await expectNoHorizontalOverflow(page, `${name} at ${w}px`);
    await page.screenshot({ path: path.join(SCREENS, `notes-${name}-${w}.png`), fullPage: true });
  }
}

const ALPHA = `---
title: Alpha Note
type: concept
tags: [coffee, brewing]
---
# Alpha Note

Alpha is about the **kettle** and links to [[Beta]] and to [[Ghost Note]], which does not exist.

## Observations
- [method] Pour slowly over the grounds #brewing (learned the hard way)
- [fact] Water at 94 degrees #temperature
- [method] Bloom for thirty seconds

## Relations
- depends_on [[Beta]]
- inspired_by [[Ghost Note]]
`;
const BETA = `# Beta

Some text before the link: this note builds on [[Alpha Note]] for its brewing ideas, and more after it.

- relates_to [[notes/alpha-note]]
`;
const EVIL = `# Evil

<script>window.__xss = 'script'</script>
<img src="x" onerror="window.__xss = 'img'">
[click me](javascript:window.__xss='link')
`;
// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

test('notes browser: tree, note with backlinks, search, create, edit with a conflict on disk, rename, delete; a second person gets 404', async ({ page, browser }) => {
  test.setTimeout(240_000);
  fs.mkdirSync(SCREENS, { recursive: true });
  await signIn(page, uniqueEmail('notes'));
  const tenantId = await waitForRunning(page);
  const projectDir = path.join(E2E_DATA_DIR, 'tenants', tenantId, 'data', 'main');
  fs.mkdirSync(projectDir, { recursive: true });

  // Indexed, no notes: after a finished sync of the empty project the page says so (not "not indexed yet").
  const sync0 = await browserFetch(page, 'POST', '/proxy/main/project/sync?run_in_background=false');
  expect(sync0.status, sync0.body).toBe(200);
  await page.goto('/projects/main/notes');
  await expect(page.getByTestId('notes-empty')).toBeVisible();
  await expect(page.getByTestId('notes-not-indexed')).toHaveCount(0);

  // Files written on disk (as rclone or an agent would), then synced.
  fs.mkdirSync(path.join(projectDir, 'notes'), { recursive: true });
  fs.mkdirSync(path.join(projectDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(projectDir, 'notes', 'Alpha Note.md'), ALPHA);
  fs.writeFileSync(path.join(projectDir, 'notes', 'Beta.md'), BETA);
  fs.writeFileSync(path.join(projectDir, 'Evil.md'), EVIL);
  fs.writeFileSync(path.join(projectDir, 'assets', 'pixel.png'), PNG);
  const sync1 = await browserFetch(page, 'POST', '/proxy/main/project/sync?run_in_background=false');
  expect(sync1.status, sync1.body).toBe(200);

  // The projects list and the project page both link to the project's notes.
  await page.goto('/projects/main');
  await page.getByTestId('project-notes-link').click();
  await expect(page).toHaveURL(/\/projects\/main\/notes$/);
  await page.goto('/projects');
  await page.locator('[data-testid="project-row"][data-project="main"]').getByRole('link', { name: 'Notes of main' }).click();
  await expect(page).toHaveURL(/\/projects\/main\/notes$/);

  // Browse: the project page lists the tree and recent activity (the tenant's memory/recent: newest first,
  // with each note's observations and relations); a folder lists its notes.
  const recent = page.getByTestId('recent-item');
  await expect(recent.first()).toBeVisible();
  const alphaRecent = recent.filter({ hasText: 'notes/Alpha Note.md' });
  await expect(alphaRecent).toContainText('Alpha Note');
  await expect(alphaRecent.getByTestId('recent-counts')).toContainText('3 observations');
  await expect(alphaRecent).toContainText('updated');
  await shoot(page, 'project');
  await page.setViewportSize({ width: 1280, height: 900 });
  const tree = page.getByTestId('folder-tree');
  await tree.getByRole('link', { name: 'Open folder notes' }).click();
  await expect(page).toHaveURL(/\/projects\/main\/notes\/notes$/);
  await expect(page.getByTestId('notes-breadcrumbs')).toContainText('main');
  await page.getByTestId('folder-entries').getByRole('link', { name: 'Alpha Note' }).click();

  // Read a note: rendered markdown, wiki links (resolved and not), frontmatter, observations by category,
  // relations, backlinks with the text around the link.
  await expect(page).toHaveURL(/\/projects\/main\/notes\/notes\/Alpha%20Note\.md$/);
  await expect(page.getByTestId('note-title')).toHaveText('Alpha Note');
  await expect(page.getByTestId('note-type')).toHaveText('concept');
  const body = page.getByTestId('note-body');
  await expect(body.locator('strong')).toHaveText('kettle');
  await expect(body.locator('a.wikilink', { hasText: 'Beta' }).first()).toHaveAttribute('href', '/projects/main/notes/notes/Beta.md');
  await expect(body.locator('.wikilink-unresolved').first()).toContainText('Ghost Note');
  await expect(page.getByTestId('notes-breadcrumbs')).toContainText('Alpha Note.md');
  await expect(page.getByTestId('fm-tags')).toHaveText('coffee, brewing');
  const method = page.locator('[data-testid="observation-group"][data-category="method"]');
  await expect(method.getByTestId('observation')).toHaveCount(2);
  await expect(method.getByTestId('tag-chip')).toHaveText('#brewing');
  await expect(page.locator('[data-testid="observation-group"][data-category="fact"]')).toContainText('Water at 94 degrees');
  await expect(page.locator('[data-testid="relation"][data-resolved="true"]').filter({ hasText: 'depends_on' })).toContainText('Beta');
  await expect(page.locator('[data-testid="relation"][data-resolved="false"]').filter({ hasText: 'inspired_by' })).toContainText('Ghost Note');
  const backlink = page.getByTestId('backlink');
  await expect(backlink).toHaveCount(1);
  await expect(backlink.getByRole('link')).toHaveText('Beta');
  await expect(backlink.getByTestId('backlink-snippet').first()).toContainText('this note builds on Alpha Note for its brewing ideas');
  await expect(backlink.getByTestId('backlink-snippet')).toHaveCount(2);
  await shoot(page, 'note');
  await page.setViewportSize({ width: 1280, height: 900 });

  // By permalink (as in memory:// URLs) the same note is shown, with its backlinks.
  await page.goto('/projects/main/notes/notes/alpha-note');
  await expect(page.getByTestId('note-title')).toHaveText('Alpha Note');
  await expect(page.getByTestId('note-path')).toHaveText('notes/Alpha Note.md');
  await expect(page.getByTestId('backlink')).toHaveCount(1);

  // The same view as JSON (BFF), agreeing with the page.
  const api = await browserFetch(page, 'GET', '/api/projects/main/notes/notes/Alpha%20Note.md');
  expect(api.status).toBe(200);
  const view = JSON.parse(api.body);
  expect(view.title).toBe('Alpha Note');
  expect(view.backlinks.map((b: { filePath: string }) => b.filePath)).toEqual(['notes/Beta.md']);

  // Raw HTML and javascript: links in a note never run.
  await page.goto('/projects/main/notes/Evil.md');
  await expect(page.getByTestId('note-body')).toContainText('<script>');
  // markdown-it refuses the javascript: URL, so there is no link to click: the markdown stays literal text.
  await expect(page.getByTestId('note-body').getByRole('link', { name: 'click me' })).toHaveCount(0);
  await expect(page.getByTestId('note-body').locator('a[href*="javascript:" i]')).toHaveCount(0);
  await expect(page.getByTestId('note-body')).toContainText("[click me](javascript:window.__xss='link')");
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  await expect(page.getByTestId('note-body').locator('script, img')).toHaveCount(0);

  // A binary file: size, type, download link.
  await page.goto('/projects/main/notes/assets/pixel.png');
  await expect(page.getByTestId('binary-type')).toHaveText('image/png');
  await expect(page.getByTestId('binary-size')).toContainText(`${PNG.length} bytes`);
  const dl = await page.getByTestId('binary-download').getAttribute('href');
  const got = await page.request.get(dl!);
  expect(got.status()).toBe(200);
  expect(Buffer.from(await got.body()).equals(PNG)).toBe(true);

  // Search with Ctrl+K from a note: within the project, highlighted excerpt, then a tag filter.
  await page.goto('/projects/main/notes/notes/Beta.md');
  await expect(page.getByTestId('note-title')).toHaveText('Beta');
  await page.keyboard.press('Control+k');
  await expect(page).toHaveURL(/\/search\?project=main$/);
  await page.getByTestId('search-input').fill('kettle');
  await expect(page.getByTestId('search-result')).toHaveCount(1);
  await expect(page.getByTestId('search-result').locator('mark').first()).toHaveText(/kettle/i);
  await expect(page).toHaveURL(/q=kettle/);
  await page.getByTestId('search-input').fill('brewing');
  await expect(page.getByTestId('search-result')).toHaveCount(2);
  await page.getByTestId('search-category').fill('fact');
  await expect(page.getByTestId('search-result')).toHaveCount(1);
  await expect(page.getByTestId('search-result')).toContainText('Alpha Note');
  await shoot(page, 'search');
  await page.setViewportSize({ width: 1280, height: 900 });
  // Across all projects (server-rendered from the URL).
  await page.goto('/search?q=builds');
  await expect(page.getByTestId('search-result')).toHaveCount(1);
  await expect(page.getByTestId('search-result')).toContainText('Beta');

  // Create a note in a folder.
  await page.goto('/projects/main/notes/notes');
  await page.getByTestId('new-note').click();
  await page.getByTestId('new-note-title').fill('Gamma');
  await expect(page.getByTestId('new-note-folder')).toHaveValue('notes');
  await page.getByTestId('new-note-content').fill('Gamma points at [[Alpha Note]].\n');
  await page.getByTestId('new-note-create').click();
  await expect(page).toHaveURL(/\/projects\/main\/notes\/notes\/Gamma\.md$/);
  await expect(page.getByTestId('note-title')).toHaveText('Gamma');
  await expect(page.getByTestId('note-body').locator('a.wikilink')).toHaveText('Alpha Note');
  const gammaFile = path.join(projectDir, 'notes', 'Gamma.md');
  expect(fs.existsSync(gammaFile)).toBe(true);

  // Edit while the file changes on disk: saving says so, writes nothing, offers to reload.
  await page.getByTestId('note-edit').click();
  await expect(page.getByTestId('note-source')).toHaveValue(/Gamma points at/);
  await page.getByTestId('note-source').fill('My edit from the browser\n');
  const onDisk = fs.readFileSync(gammaFile, 'utf8') + '\nAn agent appended this line.\n';
  fs.writeFileSync(gammaFile, onDisk);
  // The save sends the version it opened as If-Match; the tenant checks it under its writer lock.
  const saveReq = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/api/projects/main/notes/notes/Gamma.md'));
  await page.getByTestId('note-save').click();
  const sent = await saveReq;
  expect(sent.headers()['if-match']).toMatch(/^"[0-9a-f]{64}"$/);
  expect(JSON.parse(sent.postData()!)).toEqual({ content: 'My edit from the browser\n' });
  await expect(page.getByTestId('save-conflict')).toBeVisible();
  await expect(page.getByTestId('save-conflict')).toContainText('changed on disk');
  expect(fs.readFileSync(gammaFile, 'utf8')).toBe(onDisk);
  // A save without the version it opened is refused (it could overwrite), and writes nothing.
  const unversioned = await page.evaluate(async () => {
    const r = await fetch('/api/projects/main/notes/notes/Gamma.md', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'blind write\n' }) });
    return { status: r.status, body: await r.text() };
  });
  expect(unversioned.status).toBe(422);
  expect(unversioned.body).toContain('If-Match');
  expect(fs.readFileSync(gammaFile, 'utf8')).toBe(onDisk);
  await expect(page.getByTestId('note-source')).toHaveValue('My edit from the browser\n');
  await shoot(page, 'conflict');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId('conflict-reload').click();
  await expect(page.getByTestId('note-source')).toHaveValue(/An agent appended this line/);
  await expect(page.getByTestId('save-conflict')).toHaveCount(0);
  await page.getByTestId('note-source').fill(onDisk + 'And my line, after reloading.\n');
  await page.getByTestId('note-save').click();
  await expect(page).toHaveURL(/\/notes\/notes\/Gamma\.md$/);
  await expect(page.getByTestId('note-body')).toContainText('And my line, after reloading.');
  expect(fs.readFileSync(gammaFile, 'utf8')).toBe(onDisk + 'And my line, after reloading.\n');

  // Rename (move within the folder).
  await page.getByTestId('note-move').click();
  await page.getByTestId('move-destination').fill('archive/Gamma Renamed.md');
  await page.getByTestId('move-confirm').click();
  await expect(page).toHaveURL(/\/projects\/main\/notes\/archive\/Gamma%20Renamed\.md$/);
  await expect(page.getByTestId('note-body')).toContainText('And my line, after reloading.');
  expect(fs.existsSync(gammaFile)).toBe(false);
  expect(fs.existsSync(path.join(projectDir, 'archive', 'Gamma Renamed.md'))).toBe(true);
  expect((await page.goto('/projects/main/notes/notes/Gamma.md'))!.status()).toBe(404);

  // Delete, with a confirmation (Cancel first keeps it).
  await page.goto('/projects/main/notes/archive/Gamma%20Renamed.md');
  await page.getByTestId('note-delete').click();
  await expect(page.getByTestId('delete-dialog')).toBeVisible();
  await page.getByTestId('delete-cancel').click();
  expect(fs.existsSync(path.join(projectDir, 'archive', 'Gamma Renamed.md'))).toBe(true);
  await page.getByTestId('note-delete').click();
  await page.getByTestId('delete-confirm').click();
  await expect(page).toHaveURL(/\/projects\/main\/notes\/archive$/);
  await expect.poll(() => fs.existsSync(path.join(projectDir, 'archive', 'Gamma Renamed.md'))).toBe(false);
  expect((await page.goto('/projects/main/notes/archive/Gamma%20Renamed.md'))!.status()).toBe(404);

  // A second person never reaches these notes: the page and the JSON route answer 404.
  const other = await (await browser.newContext()).newPage();
  await signIn(other, uniqueEmail('other'));
  await waitForRunning(other);
  expect((await other.goto('/projects/main/notes/notes/Alpha%20Note.md'))!.status()).toBe(404);
  const otherApi = await browserFetch(other, 'GET', '/api/projects/main/notes/notes/Alpha%20Note.md');
  expect(otherApi.status).toBe(404);
  expect(JSON.parse(otherApi.body).detail).toBeTruthy();
  const otherSearch = await browserFetch(other, 'GET', '/api/search?q=kettle');
  expect(otherSearch.status).toBe(200);
  expect(JSON.parse(otherSearch.body).results).toEqual([]);
  await other.context().close();
});
