// The signed-in person's dashboard on real data: a tenant with a seed-tenant corpus (make-corpus),
// a broken-YAML note (warning), a deletion and a rename; sync now and full re-sync from the pages with
// the live update seen without a reload; set default; remove a project keeping its files vs deleting
// its notes (checked on disk); another person gets 404 for the page and the JSON; malformed filters
// give a notice; axe-core on every page at 390 px and 1280 px; screenshots for review.
// Run: E2E_BASE_PORT=3400 npm test -- --e2e projects-dashboard
import { expect, test, type Page } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_BASE_PORT, E2E_DATA_DIR } from './helpers/env.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

const SCREENS = path.join('test-results', `e2e-${E2E_BASE_PORT}`, 'screens');
const MAKE_CORPUS = path.resolve(import.meta.dirname, '..', '..', 'shared', 'tools', 'make-corpus');
const WIDTHS = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 900 }];

async function api(page: Page, method: string, p: string): Promise<{ status: number; json: any; text: string }> {
  const r = await page.evaluate(async ([m, u]) => {
    const res = await fetch(u as string, { method: m as string, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  }, [method, p] as const);
  let json: unknown = null;
  try { json = JSON.parse(r.text); } catch { /* not JSON */ }
  return { ...r, json };
}

async function waitForRunning(page: Page): Promise<string> {
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 45_000 });
  return (await page.getByTestId('tenant-id').textContent())!.trim();
}

async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
  await expectNoHorizontalOverflow(page, name);
}

const row = (page: Page, name: string) => page.locator(`[data-testid="project-row"][data-project="${name}"]`);

test('projects dashboard: corpus, live sync and full re-sync, report, history, set default, remove keep vs delete, 404 for others, axe at 390/1280', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const email = uniqueEmail('dash');
  await signIn(page, email);
  const tenantId = await waitForRunning(page);
  const data = path.join(E2E_DATA_DIR, 'tenants', tenantId, 'data');
  expect(fs.existsSync(data), data).toBe(true);

  // A seed-tenant corpus (smaller counts, same generator) straight into the tenant's data dir; the
  // tenant discovers the new top-level folders (projects) on a config sync.
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-dash-corpus-'));
  const gen = spawnSync(MAKE_CORPUS, ['--preset', 'seed-tenant', '--out', corpus, '--projects', '2', '--notes', '120', '--binaries', '2', '--binary-mb', '1', '--seed', '9'], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
  const corpusProjects = fs.readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  expect(corpusProjects.length).toBeGreaterThanOrEqual(2);
  for (const p of corpusProjects) fs.cpSync(path.join(corpus, p), path.join(data, p), { recursive: true });
  fs.rmSync(corpus, { recursive: true, force: true });
  expect((await api(page, 'GET', '/proxy/health')).status).toBe(200);

  // Our own project, created from the page; its files are written on disk (as rclone or the CLI would).
  await page.goto('/projects');
  await page.getByTestId('project-name-input').fill('Field Notes');
  await page.getByTestId('project-create').click();
  await expect(row(page, 'Field Notes')).toBeVisible();
  const fieldDir = path.join(data, 'field-notes');
  fs.mkdirSync(path.join(fieldDir, 'inbox'), { recursive: true });
  for (let i = 1; i <= 6; i++) fs.writeFileSync(path.join(fieldDir, 'inbox', `note ${i}.md`), `---\ntitle: Note ${i}\n---\n# Note ${i}\n\n- [idea] number ${i} #e2e\n`);
  fs.writeFileSync(path.join(fieldDir, 'broken yaml.md'), '---\ntitle: [unclosed\n---\n# Broken\n');

  // The corpus folders appear as projects after a config sync (the schedule would find them too).
  expect((await page.evaluate(async () => (await fetch('/proxy/projects/config/sync', { method: 'POST' })).status))).toBe(200);
  await page.reload();
  for (const p of corpusProjects) await expect(row(page, p)).toBeVisible();

  // Sync now: the row reads "Syncing" at once and updates to the collected run without a reload.
  await page.evaluate(() => { (window as unknown as { __marker: number }).__marker = 42; });
  const field = row(page, 'Field Notes');
  // (The 30 s schedule may have indexed the files first: then this run finds nothing new. Either way a
  // new run replaces the row's latest one without a reload.)
  const latestBefore = (await field.getAttribute('data-latest-run')) ?? '';
  await field.getByTestId('sync-now').click();
  await expect(field).not.toHaveAttribute('data-latest-run', latestBefore, { timeout: 30_000 });
  await expect(field.getByTestId('project-changes')).toHaveText(/^\+\d+ ~0 −0 →0$/);
  await expect(field.getByTestId('health-badge')).not.toHaveAttribute('data-state', 'syncing');
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
  // Corpus projects: a full sync of each, from the page.
  for (const p of corpusProjects) await row(page, p).getByTestId('sync-now').click();
  for (const p of corpusProjects) await expect(row(page, p).getByTestId('project-last-sync')).not.toHaveText('never', { timeout: 60_000 });

  // Set default: the marker moves (optimistically, then confirmed by the tenant) and survives a reload.
  await field.getByTestId('set-default').click();
  await expect(field.getByTestId('default-marker')).toBeVisible();
  await expect(row(page, 'main').getByTestId('default-marker')).toHaveCount(0);
  await page.reload();
  await expect(row(page, 'Field Notes').getByTestId('default-marker')).toBeVisible();
  const defaultList = await api(page, 'GET', '/proxy/projects/projects');
  expect(defaultList.json.default_project).toBe('Field Notes');

  for (const w of WIDTHS) {
    await page.setViewportSize(w);
    await page.goto('/projects');
    await expect(row(page, 'Field Notes')).toBeVisible();
    await expectNoSeriousAxe(page, `/projects at ${w.width}`);
    await shoot(page, `projects-${w.name}`);
  }
  await page.setViewportSize(WIDTHS[1]!);

  // The tenant also syncs on its schedule (every 30 s), so "the latest run" may be a scheduled one:
  // the runs this journey caused are found by what they did, through the JSON route.
  const enc = encodeURIComponent('Field Notes');
  const runsOf = async () => (await api(page, 'GET', `/api/projects/${enc}?range=24h`)).json as { latest: { id: string; summary: string }; runs: Array<{ id: string; new: number; deleted: number; moved: number; scan_type: string; trigger: string; summary: string }> };
  const indexing = (await runsOf()).runs.filter((r) => r.new > 0);
  expect(indexing.reduce((n, r) => n + r.new, 0), 'the seven files were indexed once').toBe(7);
  let firstRun = indexing[0]!;
  for (const r of indexing) {
    const d = (await api(page, 'GET', `/api/projects/${enc}/runs/${r.id}`)).json as { warnings: { path: string }[] };
    if (d.warnings.some((w) => w.path === 'broken yaml.md')) firstRun = r;
  }

  // Its report: the summary sentence first, the broken-YAML warning named, the new paths listed.
  await page.goto(`/projects/${enc}/runs/${firstRun.id}`);
  await expect(page.getByTestId('run-summary')).toHaveText(/^\d+ files? checked in .+: \d+ new, 1 warning$/);
  await expect(page.getByTestId('run-warnings-item')).toContainText('broken yaml.md');
  await expect(page.getByTestId('run-warnings-item')).toContainText('malformed YAML');
  await expect(page.getByTestId('changes-new')).toContainText('broken yaml.md');

  // What would change now: a deletion and a rename on disk, seen by the dry run.
  await page.goto(`/projects/${enc}`);
  await expect(page.getByTestId('run-report')).toBeVisible();
  fs.rmSync(path.join(fieldDir, 'inbox', 'note 6.md'));
  fs.renameSync(path.join(fieldDir, 'inbox', 'note 5.md'), path.join(fieldDir, 'renamed note.md'));
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('dry-run-result')).toContainText('inbox/note 6.md');
  await expect(page.getByTestId('dry-run-result')).toContainText('inbox/note 5.md → renamed note.md');

  // Sync now from the project page: the report is replaced by the new run without a reload.
  await page.evaluate(() => { (window as unknown as { __marker: number }).__marker = 7; });
  const before = await page.getByTestId('run-report').getAttribute('data-run-id');
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('run-report')).not.toHaveAttribute('data-run-id', before!, { timeout: 30_000 });
  const moveRun = (await runsOf()).runs.find((r) => r.deleted === 1 && r.moved === 1)!;
  expect(moveRun, 'a run saw the deletion and the rename').toBeTruthy();
  expect(moveRun.scan_type).toBe('full_deletions');
  await page.goto(`/projects/${enc}/runs/${moveRun.id}`);
  await expect(page.getByTestId('run-summary')).toContainText('1 deleted, 1 moved');
  await expect(page.getByTestId('changes-deleted')).toContainText('inbox/note 6.md');
  await expect(page.getByTestId('changes-moved')).toContainText('inbox/note 5.md → renamed note.md');

  // Full re-sync from the project page: live update without a reload, the forced run in the history.
  await page.goto(`/projects/${enc}`);
  await page.evaluate(() => { (window as unknown as { __marker: number }).__marker = 8; });
  const before2 = await page.getByTestId('run-report').getAttribute('data-run-id');
  await page.getByTestId('full-resync').click();
  await expect(page.getByTestId('run-report')).not.toHaveAttribute('data-run-id', before2!, { timeout: 30_000 });
  await expect(page.locator('[data-testid="run-row"] [data-scan-type="full_forced"]')).toHaveCount(1);
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(8);
  const forced = (await runsOf()).runs.find((r) => r.scan_type === 'full_forced')!;
  expect(forced.trigger).toBe('force');
  // The history lists every run (scheduled ones too); the page agrees with its JSON route.
  const all = await api(page, 'GET', `/api/projects/${enc}`);
  expect(all.json.total).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('run-row')).toHaveCount(Math.min(all.json.total, 25));
  expect(all.json.runs.filter((r: { trigger: string }) => r.trigger === 'api').length).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('chart-runs')).toHaveAttribute('data-empty', 'false');
  await expect(page.getByTestId('chart-duration')).toHaveAttribute('data-empty', 'false');
  await page.goto(`/projects/${enc}/runs/${forced.id}`);
  await expect(page.getByTestId('scan-type-explanation')).toContainText('full re-sync was asked for');
  await page.goto(`/projects/${enc}`);

  // Filters live in the URL; the JSON route agrees with the page; malformed values give a notice, not a 500.
  await page.getByTestId('filter-trigger').selectOption('force');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/trigger=force/);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  const json = await api(page, 'GET', '/api/projects/' + encodeURIComponent('Field Notes') + '?trigger=force');
  expect(json.status).toBe(200);
  expect(json.json.total).toBe(1);
  expect(json.json.runs[0].scan_type).toBe('full_forced');
  expect(json.json.runs[0].summary).toBe(await page.getByTestId('run-row').first().getAttribute('data-summary'));
  const bad = await page.goto('/projects/' + encodeURIComponent('Field Notes') + '?outcome=exploded&range=5y&page=-1');
  expect(bad!.status()).toBe(200);
  await expect(page.getByTestId('filter-notices')).toContainText('outcome="exploded"');
  const badJson = await api(page, 'GET', '/api/projects/' + encodeURIComponent('Field Notes') + '?outcome=exploded');
  expect(badJson.status).toBe(200);
  expect(badJson.json.notices[0]).toContain('outcome');

  for (const w of WIDTHS) {
    await page.setViewportSize(w);
    await page.goto('/projects/' + encodeURIComponent('Field Notes'));
    await expect(page.getByTestId('run-report')).toBeVisible();
    await expectNoSeriousAxe(page, `project page at ${w.width}`);
    await shoot(page, `project-${w.name}`);
  }

  // Each run opens to its own page.
  await page.getByTestId('run-row').last().getByRole('link').click();
  await expect(page).toHaveURL(/\/projects\/Field%20Notes\/runs\/[0-9a-f-]+$/);
  const runUrl = new URL(page.url()).pathname;
  const runId = runUrl.split('/').pop()!;
  await expect(page.getByTestId('run-summary')).toBeVisible();
  for (const w of WIDTHS) {
    await page.setViewportSize(w);
    await page.goto(runUrl);
    await expectNoSeriousAxe(page, `run page at ${w.width}`);
    await shoot(page, `run-${w.name}`);
  }
  expect((await api(page, 'GET', `/api/projects/${encodeURIComponent('Field Notes')}/runs/${runId}`)).json.id).toBe(runId);

  // Rebuild timing on the tenant page and the dashboard card.
  for (const w of WIDTHS) {
    await page.setViewportSize(w);
    await page.goto(`/tenants/${tenantId}`);
    await expect(page.getByTestId('rebuild-row').first()).toBeVisible();
    await expect(page.getByTestId('chart-rebuilds')).toHaveAttribute('data-empty', 'false');
    await expectNoSeriousAxe(page, `tenant page at ${w.width}`);
    await shoot(page, `tenant-${w.name}`);
    await page.goto('/dashboard');
    await expect(page.getByTestId('rebuild-summary')).toContainText('Latest index rebuild');
    await expectNoSeriousAxe(page, `dashboard at ${w.width}`);
    await shoot(page, `dashboard-${w.name}`);
  }
  await page.setViewportSize(WIDTHS[1]!);

  // Remove keeping files vs deleting notes, checked on disk.
  await page.goto('/projects');
  const [keep, drop] = corpusProjects;
  const keepDir = path.join(data, keep!), dropDir = path.join(data, drop!);
  expect(fs.existsSync(keepDir) && fs.existsSync(dropDir)).toBe(true);
  await row(page, keep!).getByTestId('delete-project').click();
  await expect(page.getByTestId('delete-dialog')).toBeVisible();
  await expectNoSeriousAxe(page, 'delete dialog');
  await page.getByTestId('delete-keep').check();
  await page.getByTestId('delete-submit').click();
  await expect(row(page, keep!)).toHaveCount(0);
  expect(fs.readdirSync(keepDir).length).toBeGreaterThan(0);

  await row(page, drop!).getByTestId('delete-project').click();
  await page.getByTestId('delete-notes').check();
  await expect(page.getByTestId('delete-submit')).toBeDisabled();
  await page.getByTestId('delete-confirm-input').fill(drop!);
  await page.getByTestId('delete-submit').click();
  await expect(row(page, drop!)).toHaveCount(0);
  await expect.poll(() => fs.existsSync(dropDir)).toBe(false);

  // The tenant's refusal is shown inline in its own words: the default project cannot be removed.
  await row(page, 'Field Notes').getByTestId('delete-project').click();
  await page.getByTestId('delete-submit').click();
  await expect(page.getByTestId('delete-error')).toContainText(/default/i);
  await expect(row(page, 'Field Notes')).toBeVisible();

  // Another person: the 404 page and 404 JSON for this project, its run and anything else of this tenant.
  const other = await browser.newPage();
  await signIn(other, uniqueEmail('dash-other'));
  const res = await other.goto('/projects/' + encodeURIComponent('Field Notes'));
  expect(res!.status()).toBe(404);
  expect((await other.goto(runUrl))!.status()).toBe(404);
  for (const u of ['/api/projects/' + encodeURIComponent('Field Notes'), `/api/projects/${encodeURIComponent('Field Notes')}/runs/${runId}`, `/api/projects/main/runs/${runId}`]) {
    const r = await api(other, 'GET', u);
    expect(r.status, u).toBe(404);
    expect(r.json.detail).toBeTruthy();
  }
  expect((await other.goto(`/tenants/${tenantId}`))!.status()).toBe(404);
  await other.close();
});

// Tenants run without the capabilities that bypass file permissions (lib/tenants/capability-drop.ts), so a
// file made unreadable on disk really fails to read, as it would on a laptop: each run names it, three
// failures in a row skip it (reason, count, first and last failure shown), the health says so, and making it
// readable again indexes it on the next sync.
test('a file that keeps failing: named in each run, skipped after 3 failures, health says so, fixed → indexed; axe at 390/1280', async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, uniqueEmail('stuck'));
  const tenantId = await waitForRunning(page);
  const data = path.join(E2E_DATA_DIR, 'tenants', tenantId, 'data');
  await page.goto('/projects');
  await page.getByTestId('project-name-input').fill('Stuck Notes');
  await page.getByTestId('project-create').click();
  await expect(row(page, 'Stuck Notes')).toBeVisible();
  const dir = path.join(data, 'stuck-notes');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'fine.md'), '# Fine\n\nreadable\n');
  const locked = path.join(dir, 'locked.md');
  fs.writeFileSync(locked, '# Locked\n\nthe owner took read permission away\n');
  fs.chmodSync(locked, 0o000);

  const enc = encodeURIComponent('Stuck Notes');
  await page.goto(`/projects/${enc}`);
  const report = page.getByTestId('run-report');
  // Sync now until the file is skipped (the 30 s schedule may add failures of its own); every run before
  // that names the file and why, and the project reads "failing".
  let failingSeen = 0;
  for (let i = 0; i < 6 && (await page.getByTestId('skipped-files').count()) === 0; i++) {
    const before = (await report.count()) ? await report.getAttribute('data-run-id') : null;
    await page.getByTestId('sync-now').click();
    await expect(report).not.toHaveAttribute('data-run-id', before ?? '-', { timeout: 30_000 });
    if (await page.getByTestId('skipped-files').count()) break;
    await expect(page.getByTestId('run-errors-item').filter({ hasText: 'locked.md' })).toContainText('permission denied');
    await expect(page.getByTestId('project-health')).toHaveAttribute('data-state', 'failing');
    failingSeen++;
  }
  expect(failingSeen, 'at least one failing run was seen before the skip').toBeGreaterThanOrEqual(1);
  const skippedRow = page.getByTestId('skipped-file');
  await expect(skippedRow).toHaveCount(1);
  await expect(skippedRow).toContainText('locked.md');
  await expect(skippedRow).toContainText('failed 3 times: permission denied');
  await expect(skippedRow.locator('td').nth(2)).toHaveText('3');
  await expect(skippedRow.locator('td').nth(3)).not.toHaveText('—');
  await expect(skippedRow.locator('td').nth(4)).not.toHaveText('—');
  await expect(page.getByTestId('run-errors')).toHaveCount(0); // skipped, not retried
  await expect(page.getByTestId('project-health')).toHaveAttribute('data-state', 'skipped_files');

  // The JSON route says the same, with first and last failure.
  const runId = (await report.getAttribute('data-run-id'))!;
  const detail = (await api(page, 'GET', `/api/projects/${enc}/runs/${runId}`)).json as { skipped_files: Array<{ path: string; failure_count: number; first_failed: string; last_failed: string; reason: string }> };
  expect(detail.skipped_files).toHaveLength(1);
  expect(detail.skipped_files[0]).toMatchObject({ path: 'locked.md', failure_count: 3 });
  expect(Date.parse(detail.skipped_files[0]!.last_failed)).toBeGreaterThanOrEqual(Date.parse(detail.skipped_files[0]!.first_failed));

  for (const w of WIDTHS) {
    await page.setViewportSize(w);
    await page.goto(`/projects/${enc}`);
    await expect(page.getByTestId('skipped-file')).toBeVisible();
    await expectNoSeriousAxe(page, `project page with a skipped file at ${w.width}`);
    await shoot(page, `project-skipped-${w.name}`);
    await page.goto('/projects');
    await expect(row(page, 'Stuck Notes').getByTestId('health-badge')).toHaveAttribute('data-state', 'skipped_files');
    await expect(row(page, 'Stuck Notes').getByTestId('project-skipped')).toHaveText('1');
    await expectNoSeriousAxe(page, `projects page with a skipped file at ${w.width}`);
  }
  await page.setViewportSize(WIDTHS[1]!);

  // Fixed on disk (a new ctime): the next sync retries it, indexes it, and the project is up to date.
  fs.chmodSync(locked, 0o644);
  await page.goto(`/projects/${enc}`);
  const before = await report.getAttribute('data-run-id');
  await page.getByTestId('sync-now').click();
  await expect(report).not.toHaveAttribute('data-run-id', before!, { timeout: 30_000 });
  await expect(page.getByTestId('skipped-files')).toHaveCount(0);
  await expect(page.getByTestId('project-health')).toHaveAttribute('data-state', 'up_to_date');
  // The 30 s schedule may have indexed it just before this run: the run that did is found through the JSON route.
  const runs = (await api(page, 'GET', `/api/projects/${enc}?range=24h`)).json.runs as Array<{ id: string; new: number }>;
  expect(runs.reduce((n, r) => n + r.new, 0), 'fine.md and locked.md, each indexed once').toBe(2);
  let indexedBy: string | null = null;
  for (const r of runs.filter((x) => x.new > 0)) {
    const d = (await api(page, 'GET', `/api/projects/${enc}/runs/${r.id}`)).json as { changes: { new: string[] } | null };
    if (d.changes?.new.includes('locked.md')) indexedBy = r.id;
  }
  expect(indexedBy, 'a run indexed locked.md once it was readable').not.toBeNull();
  await page.goto(`/projects/${enc}/runs/${indexedBy}`);
  await expect(page.getByTestId('changes-new')).toContainText('locked.md');
});

test('a file the engine could not read stays a current problem after later runs, until it is fixed; health says so; axe at 390/1280', async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, uniqueEmail('unread'));
  const tenantId = await waitForRunning(page);
  const data = path.join(E2E_DATA_DIR, 'tenants', tenantId, 'data');
  await page.goto('/projects');
  await page.getByTestId('project-name-input').fill('Unread Notes');
  await page.getByTestId('project-create').click();
  await expect(row(page, 'Unread Notes')).toBeVisible();
  const dir = path.join(data, 'unread-notes');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'fine.md'), '# Fine\n\nreadable\n');
  fs.writeFileSync(path.join(dir, 'broken.md'), '---\ntitle: [unclosed\n---\n# Broken\n');
  fs.writeFileSync(path.join(dir, 'latin1.md'), Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]));

  const enc = encodeURIComponent('Unread Notes');
  await page.goto(`/projects/${enc}`);
  const report = page.getByTestId('run-report');
  const syncNow = async () => {
    const before = (await report.count()) ? await report.getAttribute('data-run-id') : null;
    await page.getByTestId('sync-now').click();
    await expect(report).not.toHaveAttribute('data-run-id', before ?? '-', { timeout: 30_000 });
  };
  await syncNow();
  // A later run that does not read them again (another file changes): its report has no warning, the page still lists both.
  await expect(async () => {
    fs.writeFileSync(path.join(dir, 'later.md'), `# Later ${Date.now()}\n`);
    await syncNow();
    await expect(page.getByTestId('run-warnings')).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 90_000 });
  await page.reload();
  const problems = page.getByTestId('current-problem');
  await expect(problems).toHaveCount(2);
  await expect(problems.filter({ hasText: 'broken.md' })).toContainText(/frontmatter/i);
  await expect(problems.filter({ hasText: 'latin1.md' })).toContainText('invalid UTF-8');
  await expect(page.getByTestId('current-problems')).toContainText('2 not fully read');
  await expect(page.getByTestId('project-health')).toHaveAttribute('data-state', 'file_problems');
  const json = (await api(page, 'GET', `/api/projects/${enc}`)).json as { project: { problems: { warnings: number; files: { path: string; kind: string }[] } } };
  expect(json.project.problems.warnings).toBe(2);
  expect(json.project.problems.files.map((f) => [f.path, f.kind])).toEqual([['broken.md', 'warning'], ['latin1.md', 'warning']]);

  for (const w of WIDTHS) {
    await page.setViewportSize(w);
    await page.goto(`/projects/${enc}`);
    await expect(page.getByTestId('current-problems')).toBeVisible();
    await expectNoSeriousAxe(page, `project page with current problems at ${w.width}`);
    await shoot(page, `project-current-problems-${w.name}`);
    await page.goto('/projects');
    await expect(row(page, 'Unread Notes').getByTestId('health-badge')).toHaveAttribute('data-state', 'file_problems');
    await expectNoSeriousAxe(page, `projects page with current problems at ${w.width}`);
  }
  await page.setViewportSize(WIDTHS[1]!);

  // Fixed (and the other removed): gone from the page, and the project is up to date.
  fs.writeFileSync(path.join(dir, 'broken.md'), '---\ntitle: Mended\n---\n# Mended\n');
  fs.rmSync(path.join(dir, 'latin1.md'));
  await page.goto(`/projects/${enc}`);
  await syncNow();
  await page.reload();
  await expect(page.getByTestId('current-problems')).toHaveCount(0);
  await expect(page.getByTestId('project-health')).toHaveAttribute('data-state', 'up_to_date');
});
