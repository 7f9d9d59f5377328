#!/usr/bin/env node
// The MCP conformance suite's `authorization` scenarios against a running app, approving each authorization URL it
// prints in Chromium (development sign-in, then Allow on the consent page). Registers its client by DCR first.
//
//   APP_URL=http://localhost:6300 CONFORMANCE=/path/to/node_modules/@modelcontextprotocol/conformance \
//     node scripts/oauth-checks/conformance-authorization.mjs          # exit code = the suite's
//
// Needs the app running with the development sign-in, @modelcontextprotocol/conformance 0.2.0-alpha.x installed
// somewhere (CONFORMANCE), Node ≥ 22 (the project's node_modules/.bin/node) and /usr/bin/chromium.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from '@playwright/test';

const APP = process.env.APP_URL ?? 'http://localhost:3000';
const CONFORMANCE = process.env.CONFORMANCE ?? path.resolve('node_modules/@modelcontextprotocol/conformance');
const PORT = Number(process.env.CALLBACK_PORT ?? 6309);
const reg = await fetch(`${APP}/oauth2/register`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ redirect_uris: [`http://127.0.0.1:${PORT}/callback`], client_name: 'MCP conformance' }),
});
const clientId = (await reg.json()).client_id;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage();
let signedIn = false;
const child = spawn(process.execPath, [path.join(CONFORMANCE, 'dist/index.js'), 'authorization', '--url', APP, '--client-id', clientId,
  '--resource', `${APP}/mcp`, '--port', String(PORT), '-o', process.env.OUT_DIR ?? 'test-results/conformance-authorization'], { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
const seen = new Set();
async function approve(url) {
  await page.goto(url);
  if (!signedIn && new URL(page.url()).pathname === '/signin') {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(/\/interaction\//);
    await page.locator('#email').fill('conformance@example.test');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    signedIn = true;
  }
  await page.waitForURL((u) => u.pathname === '/connect', { timeout: 30_000 });
  await page.getByTestId('consent-approve').click();
}
const onData = (d) => {
  process.stdout.write(d);
  out += d.toString();
  for (const m of out.matchAll(/https?:\/\/\S+\/oauth2\/authorize\?\S+/g)) {
    if (!seen.has(m[0])) { seen.add(m[0]); approve(m[0]).catch((e) => console.error('approver:', e.message)); }
  }
};
child.stdout.on('data', onData);
child.stderr.on('data', onData);
const code = await new Promise((resolve) => child.on('exit', resolve));
await browser.close();
process.exit(code ?? 1);
