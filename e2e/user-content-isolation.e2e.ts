// A person's files never run as that person on the app's origin. A project holds an HTML page and an SVG, both
// with script that would read the cookie, call /api/me with the session and report to a beacon URL, written
// through the real API (PUT /proxy/main/resource/…). Opened from a link in a note, from the notes browser and
// directly by URL, each is a download, and no script runs. Even when the browser is made to render the page
// as HTML (the answer's Content-Disposition and type stripped by a route hook, as if that layer failed), the
// sandbox policy keeps scripts off and the document's origin opaque: no cookie, no title change, no beacon.
// Images (PNG, and SVG through <img>) still preview in the notes browser.
import fs from 'node:fs';
import { expect, test, type Page, type Request } from '@playwright/test';
import { signIn, uniqueEmail } from './helpers/sign-in.ts';

const BEACON = '/xss-beacon';
const HTML = `<!doctype html><html><head><title>user page</title></head><body><p id="p">user page</p><script>
document.title = 'pwned';
fetch('/api/me').then((r) => r.text()).then((me) => fetch('${BEACON}?from=html&me=' + encodeURIComponent(me) + '&c=' + encodeURIComponent(document.cookie)));
</script></body></html>`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="12" height="10" viewBox="0 0 12 10"><rect width="12" height="10" fill="#3a7"/><script><![CDATA[
fetch('${BEACON}?from=svg&c=' + encodeURIComponent(document.cookie));
]]></script></svg>`;
// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const LINKS = `# Attack links

[Open the page](/proxy/main/resource/attack/evil.html) and [open the drawing](/proxy/main/resource/attack/evil.svg).

![a pixel](/proxy/main/resource/attack/pixel.png)

![the drawing](/proxy/main/resource/attack/evil.svg)
`;

/** Same-origin fetch from the page (the browser's cookie and Origin). */
async function put(page: Page, url: string, body: string | number[], type: string): Promise<number> {
  return page.evaluate(async ([u, b, t]) => {
    const r = await fetch(u as string, { method: 'PUT', headers: { 'content-type': t as string }, body: typeof b === 'string' ? b : new Uint8Array(b as number[]) });
    return r.status;
  }, [url, body, type] as const);
}

test('user content: an HTML page and an SVG with script run nothing as the person, from a note link or by URL; images still preview', async ({ page, context }) => {
  test.setTimeout(180_000);
  // Everything a script in those files would send: the beacon, and calls to /api/me.
  const leaks: string[] = [];
  const watch = (r: Request) => {
    const u = new URL(r.url());
    if (u.pathname === BEACON || u.pathname === '/api/me') leaks.push(`${r.method()} ${u.pathname}${u.search}`);
  };
  context.on('request', watch);
  await context.route(`**${BEACON}*`, (route) => route.fulfill({ status: 204 }));

  await signIn(page, uniqueEmail('xss'));
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running', { timeout: 45_000 });
  for (const [p, body, type] of [
    ['attack/evil.html', HTML, 'application/octet-stream'], ['attack/evil.svg', SVG, 'application/octet-stream'],
    ['attack/pixel.png', [...PNG], 'application/octet-stream'], ['attack/Links.md', LINKS, 'text/markdown'],
  ] as const) {
    expect(await put(page, `/proxy/main/resource/${p}`, body as string | number[], type), p).toBeLessThan(300);
  }
  expect(leaks, 'nothing before the files are opened').toEqual([]);

  // 1. From the note: its links are downloads; the page stays the note; its images preview.
  await page.goto('/projects/main/notes/attack/Links.md');
  await expect(page.getByTestId('note-title')).toHaveText('Links');
  const body = page.getByTestId('note-body');
  for (const [name, bytes] of [['Open the page', HTML], ['open the drawing', SVG]] as const) {
    const download = page.waitForEvent('download');
    await body.getByRole('link', { name }).click();
    const d = await download;
    expect(d.url(), name).toMatch(/\/proxy\/main\/resource\/attack\/evil\.(html|svg)$/);
    const file = await d.path();
    expect(fs.readFileSync(file, 'utf8'), `${name}: the bytes are the person's file, unchanged`).toBe(bytes);
    await expect(page).toHaveURL(/\/projects\/main\/notes\/attack\/Links\.md$/);
    await expect(page.getByTestId('note-title')).toHaveText('Links');
  }
  const images = body.locator('img');
  await expect(images).toHaveCount(2);
  for (const img of await images.all()) {
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth), { message: await img.getAttribute('src') ?? '' }).toBeGreaterThan(0);
  }

  // 2. The notes browser's file view: the SVG and the PNG preview as images; Download is a download.
  for (const [p, width] of [['attack/evil.svg', 12], ['attack/pixel.png', 1]] as const) {
    await page.goto(`/projects/main/notes/${p}`);
    const preview = page.getByTestId('binary-image-preview');
    await expect(preview).toBeVisible();
    await expect.poll(() => preview.evaluate((el) => (el as HTMLImageElement).naturalWidth), { message: p }).toBe(width);
  }
  await page.goto('/projects/main/notes/attack/evil.html');
  // The page names the file's real type (the relabelling is only for what reaches a browser).
  await expect(page.getByTestId('binary-type')).toHaveText('text/html');
  await expect(page.getByTestId('binary-image-preview')).toHaveCount(0);
  const fromButton = page.waitForEvent('download');
  await page.getByTestId('binary-download').click();
  expect((await fromButton).suggestedFilename()).toBe('evil.html');

  // The separate content origin (USER_CONTENT_ORIGIN, another host): the page is readable there, inline, but no
  // script runs, no cookie of the app's is there to read, and the link works on no other host.
  const viewHref = (await page.getByTestId('binary-view').getAttribute('href'))!;
  const viewUrl = new URL(viewHref);
  expect(viewUrl.host).toBe(`127.0.0.1:${new URL(page.url()).port}`);
  expect(viewUrl.pathname).toMatch(/^\/content\/[\w-]+\.[\w-]+\/evil\.html$/);
  const popupP = page.waitForEvent('popup');
  await page.getByTestId('binary-view').click();
  const view = await popupP;
  await expect(view.locator('#p')).toHaveText('user page');
  expect(await view.title(), 'the script never ran').toBe('user page');
  expect(await view.evaluate(() => window.origin), 'an opaque origin even there').toBe('null');
  // The app's session cookie lives on the app's host only (127.0.0.1 may hold the development sign-in provider's own).
  const sessionCookies = (url: string) => context.cookies(url).then((cs) => cs.map((c) => c.name).filter((n) => n.includes('next-auth')));
  expect(await sessionCookies(page.url()), 'the person is signed in on the app').toContain('next-auth.session-token');
  expect(await sessionCookies(viewHref), 'the content origin gets none of the app\'s cookies').toEqual([]);
  await view.close();
  const onApp = new URL(viewHref);
  onApp.hostname = 'localhost';
  expect((await page.request.get(onApp.href)).status(), 'never served on the app origin').toBe(404);
  const token = viewUrl.pathname.split('/')[2]!;
  const forged = viewHref.replace(token, `${token.slice(0, -4)}AAAA`);
  expect((await page.request.get(forged)).status(), 'a forged signature').toBe(404);

  // 3. Directly by URL, in a tab of the signed-in person: a download, not a page.
  for (const p of ['attack/evil.html', 'attack/evil.svg']) {
    const tab = await context.newPage();
    const download = tab.waitForEvent('download');
    await expect(tab.goto(`/proxy/main/resource/${p}`), p).rejects.toThrow(/Download is starting|ERR_ABORTED/);
    expect((await download).suggestedFilename()).toBe(p.split('/').pop());
    await tab.close();
  }

  // 4. The second wall: the same answers forced to render as documents (disposition and type layer taken
  // away by a route hook). The sandbox policy still holds: no script, an opaque origin, no cookie.
  const forced = await context.newPage();
  await forced.route('**/proxy/main/resource/attack/evil.*', async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    expect(headers['content-security-policy'] ?? '', 'the policy comes from the server').toMatch(/(^|;\s*)sandbox(;|$)/);
    delete headers['content-disposition'];
    headers['content-type'] = route.request().url().endsWith('.svg') ? 'image/svg+xml' : 'text/html; charset=utf-8';
    await route.fulfill({ response: res, headers });
  });
  for (const p of ['attack/evil.html', 'attack/evil.svg']) {
    const res = await forced.goto(`/proxy/main/resource/${p}`);
    expect(res!.status(), p).toBe(200);
    expect(await forced.evaluate(() => window.origin), `${p}: an opaque origin`).toBe('null');
    expect(await forced.evaluate(() => { try { return document.cookie; } catch (e) { return `refused: ${(e as Error).name}`; } }), p).toMatch(/^refused: SecurityError$/);
  }
  await forced.goto('/proxy/main/resource/attack/evil.html');
  await expect(forced.locator('#p')).toHaveText('user page');
  expect(await forced.title(), 'the script never ran').toBe('user page');
  await forced.close();

  // Long enough for any fetch a script had started to have been sent.
  await page.goto('/dashboard');
  await expect(page.getByTestId('tenant-status')).toHaveText('running');
  expect(leaks, 'no script in the files sent anything, nor called /api/me with the session').toEqual([]);
});
