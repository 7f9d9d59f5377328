#!/usr/bin/env node
// The MCP Inspector CLI (2.12.0, the project's dev dependency) through OAuth against a running app's real /mcp: its
// interactive login (DCR, PKCE, resource; its own loopback callback listener on 127.0.0.1:6276) with sign-in and
// consent approved in headless Chromium, then tools/list, a tools/call and a tool error with the stored token.
// MCP_AUTO_OPEN_ENABLED=true lets the CLI log in without a TTY: it prints "Please navigate to: <url>", which this
// script opens in Chromium; the browser is then sent to the CLI's listener like a person's would be.
//
//   APP_URL=http://localhost:3804 node_modules/.bin/node scripts/oauth-checks/inspector-cli-oauth.mjs
// Exit 0 = each step answered the exit code expected (3 auth required, 0 ok, 5 tool error; printed per step); 1 otherwise.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

const APP = (process.env.APP_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const CLI = path.resolve('node_modules/@modelcontextprotocol/inspector/clients/cli/build/index.js');
const EMAIL = process.env.INSPECTOR_EMAIL ?? `inspector-${Date.now()}@example.test`;
// Its own home: the CLI stores tokens (a file store: no keychain here) under ~/.mcp-inspector; a person's are left alone.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'inspector-oauth-'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
let signedIn = false;

async function approve(url) {
  await page.goto(url);
  if (!signedIn && new URL(page.url()).pathname === '/signin') {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(/\/interaction\//);
    await page.locator('#email').fill(EMAIL);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    signedIn = true;
  }
  await page.waitForURL((u) => u.pathname === '/connect', { timeout: 60_000 });
  await page.getByTestId('consent-approve').click();
}

function inspector(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--server-url', `${APP}/mcp`, '--transport', 'http', '--format', 'json', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home, MCP_AUTO_OPEN_ENABLED: 'true', BROWSER: 'true', MCP_INSPECTOR_SECRET_STORE: 'file' },
    });
    let out = '';
    let err = '';
    const seen = new Set();
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => {
      err += d;
      for (const m of err.matchAll(/https?:\/\/\S+\/oauth2\/authorize\?[^\s\x1b]+/g)) {
        if (!seen.has(m[0])) { seen.add(m[0]); approve(m[0]).catch((e) => console.error('approver:', e.message)); }
      }
    });
    child.on('exit', (code) => resolve({ code, out, err, loggedIn: seen.size > 0 }));
  });
}

const steps = [];
const step = async (what, expect, args, check = () => true) => {
  const r = await inspector(args);
  const ok = r.code === expect && check(r);
  steps.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}: exit ${r.code} (expected ${expect})${r.loggedIn ? ', signed in and approved in Chromium' : ''}${ok ? '' : `\n${r.out.slice(0, 600)}\n${r.err.slice(0, 1200)}`}`);
  return r;
};
try {
  await step('before any login, --stored-auth-only is "auth required"', 3, ['--stored-auth-only', '--method', 'tools/list'], (r) => !r.loggedIn);
  await step('tools/list after the OAuth login', 0, ['--method', 'tools/list'], (r) => { const j = JSON.parse(r.out); return r.loggedIn && (j.result?.tools ?? j.tools ?? []).length === 21; });
  // A first sign-in provisions the tenant: its tools answer "starting" for a few seconds.
  for (let i = 0; i < 60; i++) {
    const probe = await inspector(['--stored-auth-only', '--method', 'tools/call', '--tool-name', 'list_memory_projects']);
    if (probe.code === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await step('tools/call write_note with the stored token', 0, ['--stored-auth-only', '--method', 'tools/call', '--tool-name', 'write_note',
    '--tool-arg', 'title=Inspector Note', 'directory=inspector', 'content=written by the MCP Inspector CLI'], (r) => /Created note/.test(r.out));
  await step('tools/call read_note', 0, ['--stored-auth-only', '--method', 'tools/call', '--tool-name', 'read_note', '--tool-arg', 'identifier=inspector/inspector-note'],
    (r) => /written by the MCP Inspector CLI/.test(r.out));
  await step('a tool error (unknown argument)', 5, ['--stored-auth-only', '--method', 'tools/call', '--tool-name', 'read_note', '--tool-arg', 'identifier=x', 'bogus=1']);
} finally {
  await browser.close();
  fs.rmSync(home, { recursive: true, force: true });
}
const ok = steps.length === 5 && steps.every(Boolean);
console.log('RESULT', ok ? 'ok' : 'FAILED');
process.exit(ok ? 0 : 1);
