// Ops journeys on a seeded fleet (running, stopped, failing, crash looping, not reporting): the overview,
// needs attention, the tenants table, a tenant's ops view (an audit event), admin buttons behind a
// confirmation, phone and desktop widths with axe-core; non-ops users get 404 for every ops page and
// route; /metrics refuses callers without the token. Needs the e2e server on Postgres (DATABASE_URL).
import { expect, test } from '@playwright/test';
import { expectNoHorizontalOverflow, expectNoSeriousAxe } from './helpers/a11y.ts';
import { E2E_METRICS_TOKEN, E2E_OPS_EMAIL } from './helpers/env.ts';
import { auditEventsFor, seedOpsFleet, type SeededTenant } from './helpers/ops-fleet.ts';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

// Long journeys (two widths, axe on each page) on a shared 2-core machine.
test.setTimeout(300_000);

let fleet: Awaited<ReturnType<typeof seedOpsFleet>>;
const byKind = (k: SeededTenant['kind']) => fleet.tenants.find((t) => t.kind === k)!;

test.beforeAll(async () => {
  fleet = await seedOpsFleet(Date.now().toString(36));
});
test.afterAll(async () => {
  await fleet?.close();
});

test('ops overview: tiles, needs attention (one reason each, most severe first), tenants table, charts, at phone and desktop widths', async ({ page }) => {
  await signIn(page, E2E_OPS_EMAIL, { callbackUrl: '/ops' });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await fleet.report();
    await page.goto('/ops?range=24h');
    await expect(page.getByRole('heading', { name: 'Ops', level: 1 })).toBeVisible();
    // Needs attention: the seeded tenants under their reasons, in severity order; healthy/stopped ones absent.
    const items = page.getByTestId('attention-item');
    const reasonOf = async (t: SeededTenant) => page.locator(`[data-testid="attention-item"][data-tenant-id="${t.id}"]`).getAttribute('data-reason');
    expect(await reasonOf(byKind('crash_looping'))).toBe('crash_looping');
    expect(await reasonOf(byKind('failing'))).toBe('projects_down_or_failing');
    expect(await reasonOf(byKind('not_reporting'))).toBe('stopped_reporting');
    await expect(page.locator(`[data-testid="attention-item"][data-tenant-id="${byKind('running').id}"]`)).toHaveCount(0);
    await expect(page.locator(`[data-testid="attention-item"][data-tenant-id="${byKind('stopped').id}"]`)).toHaveCount(0);
    const order = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
    const rank = ['failed', 'crash_looping', 'degraded', 'stopped_against_desired', 'projects_down_or_failing', 'stopped_reporting'];
    expect(order.map((r) => rank.indexOf(r!))).toEqual([...order.map((r) => rank.indexOf(r!))].sort((a, b) => a - b));
    const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-tenant-id')));
    expect(new Set(ids).size).toBe(ids.length);
    // Tiles and charts from the seeded history.
    expect(Number((await page.getByTestId('runs-total').textContent())!.replace(/,/g, ''))).toBeGreaterThanOrEqual(160);
    await expect(page.getByTestId('runs-failed')).toContainText('failed');
    await expect(page.getByTestId('pct-incremental')).toBeVisible();
    await expect(page.getByTestId('chart-runs').locator('svg[role="img"]')).toBeVisible();
    await expect(page.getByTestId('chart-histogram-incremental').locator('svg[role="img"]')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`ops-${width}.png`), fullPage: true });
    await expectNoSeriousAxe(page, `/ops at ${width}`);
    await expectNoHorizontalOverflow(page, `/ops at ${width}`);
  }
  // The page and its JSON agree.
  const api = await (await page.request.get('/api/ops/overview?range=24h')).json();
  expect(api.needsAttention.find((a: { tenantId: string }) => a.tenantId === byKind('crash_looping').id).reason).toBe('crash_looping');
  // (other journeys' tenants may add runs between the two reads: never fewer)
  expect(api.runs.total).toBeGreaterThanOrEqual(Number((await page.getByTestId('runs-total').textContent())!.replace(/,/g, '')));
  expect(api.percentiles[0].approximate).toBe(true);

  // Tenants table: search, "last reported", sort.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId('ops-search').fill(byKind('not_reporting').email);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('ops-tenant-row')).toHaveCount(1);
  await expect(page.getByTestId('ops-last-reported')).toContainText('stopped reporting');
  await expect(page.getByTestId('ops-mcp-calls')).toHaveText('15 / 2');
  const table = await (await page.request.get(`/api/ops/tenants?q=${encodeURIComponent(byKind('not_reporting').email)}`)).json();
  expect(table.total).toBe(1);
  expect(table.rows[0].stale).toBe(true);
  expect(table.mcp_24h[byKind('not_reporting').id]).toEqual({ calls: 15, errors: 2 });
  await page.goto('/ops?sort=crashes&dir=desc');
  await expect(page.getByTestId('sort-crashes')).toHaveAttribute('href', /dir=asc/);
  const firstCrashes = await page.getByTestId('ops-tenant-row').first().locator('td').nth(6).textContent();
  expect(Number(firstCrashes)).toBeGreaterThanOrEqual(4);
  // A bad sort is ignored with a notice, not an error page.
  await page.goto('/ops?sort=nonsense');
  await expect(page.getByTestId('ops-notice')).toBeVisible();
  expect((await page.request.get('/api/ops/tenants?sort=nonsense')).status()).toBe(400);

  // Drill from a chart bucket to its runs.
  await page.goto('/ops?range=24h');
  await page.getByTestId('chart-drill').locator('summary').click();
  await page.getByTestId('chart-drill').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/ops\/runs\?from=/);
  await expect(page.getByTestId('ops-run-row').first()).toBeVisible();
  await expectNoSeriousAxe(page, '/ops/runs');
});

test('a tenant\'s ops view: projects with health, runs, rebuilds; opening it is an audit event; admins get confirmed actions', async ({ page, browser }) => {
  const t = byKind('failing');
  await signIn(page, E2E_OPS_EMAIL, { callbackUrl: '/ops' });
  const before = await auditEventsFor(t.id, 'ops.tenant_viewed');
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await fleet.report();
    await page.goto(`/ops/tenants/${t.id}`);
    await expect(page.getByRole('heading', { name: t.email })).toBeVisible();
    await expect(page.getByTestId('ops-project-row')).toHaveCount(2);
    await expect(page.getByTestId('ops-projects').locator('[data-state="failing"]').first()).toBeVisible();
    await expect(page.getByTestId('ops-tenant-attention')).toHaveAttribute('data-reason', 'projects_down_or_failing');
    await expect(page.getByTestId('ops-tenant-runs').locator('tbody tr')).not.toHaveCount(0);
    await expect(page.getByTestId('chart-rebuilds').locator('svg[role="img"]')).toBeVisible();
    // MCP calls next to sync health: totals and the per-tool table (seeded roll-ups).
    await expect(page.getByTestId('ops-mcp-summary')).toContainText('15 calls, 2 errors');
    await expect(page.getByTestId('ops-mcp-row')).toHaveCount(2);
    await expect(page.getByTestId('ops-mcp-row').first()).toContainText('search_notes');
    await page.screenshot({ path: test.info().outputPath(`ops-tenant-${width}.png`), fullPage: true });
    await expectNoSeriousAxe(page, `/ops/tenants at ${width}`);
    await expectNoHorizontalOverflow(page, `/ops/tenants at ${width}`);
  }
  expect(await auditEventsFor(t.id, 'ops.tenant_viewed')).toBe(before + 2);
  // Ops (not admin): no admin buttons.
  await expect(page.getByTestId('admin-actions')).toHaveCount(0);
  const json = await page.request.get(`/api/ops/tenants/${t.id}`);
  expect(json.status()).toBe(200);
  expect((await json.json()).mcp).toMatchObject({ calls: 15, errors: 2 });
  expect(await auditEventsFor(t.id, 'ops.tenant_viewed')).toBe(before + 3);

  // An admin: stop behind a confirmation (cancel does nothing; confirm calls the admin API, audited).
  const admin = uniqueEmail('ops-admin');
  const ctx2 = await browser.newContext();
  const p2 = await ctx2.newPage();
  await signIn(p2, admin);
  await fleet.setRole(admin, 'admin');
  const target = byKind('running');
  await p2.goto(`/ops/tenants/${target.id}`);
  await p2.getByTestId('admin-stop').click();
  await expect(p2.getByTestId('admin-confirm')).toBeVisible();
  await p2.getByRole('button', { name: 'Cancel' }).click();
  expect(await auditEventsFor(target.id, 'tenant.stop')).toBe(0);
  await p2.getByTestId('admin-stop').click();
  await p2.getByTestId('admin-confirm-go').click();
  await expect(p2.getByTestId('admin-message')).toContainText('requested');
  expect(await auditEventsFor(target.id, 'tenant.stop')).toBe(1);
  await expectNoSeriousAxe(p2, '/ops/tenants as admin');
  await ctx2.close();
});

test('non-ops users get 404 for every ops page and route; /metrics refuses callers without the token', async ({ page, browser }) => {
  await signIn(page, uniqueEmail('not-ops'));
  const id = byKind('running').id;
  for (const path of ['/ops', '/ops?range=7d', `/ops/tenants/${id}`, `/ops/runs?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`]) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(404);
  }
  for (const path of ['/api/ops/overview', '/api/ops/tenants', `/api/ops/tenants/${id}`, '/api/ops/runs?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z']) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(404);
    expect(await res.json()).toHaveProperty('detail');
  }
  // Signed out: the API is a 404 too.
  const anon = await browser.newContext();
  expect((await anon.request.get('http://localhost:' + new URL(page.url()).port + '/api/ops/overview')).status()).toBe(404);
  await anon.close();

  const noToken = await page.request.get('/metrics');
  expect(noToken.status()).toBe(401);
  expect(await noToken.json()).toHaveProperty('detail');
  expect((await page.request.get('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status()).toBe(401);
  const ok = await page.request.get('/metrics', { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } });
  expect(ok.status()).toBe(200);
  const text = await ok.text();
  expect(text).toMatch(/^bmc_tenants\{status="running"\} \d+$/m);
  expect(text).toContain(`bmc_sync_collector_lag_seconds{tenant_id="${byKind('failing').id}"}`);
  expect(text).toContain('bmc_tenant_proxy_requests_total');
});
