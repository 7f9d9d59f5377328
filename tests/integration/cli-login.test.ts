// The reference CLI against the real OAuth handlers + Postgres: login (spawned, approval through
// the same core the /device page uses), token file shape and mode, status, refresh, logout, denial;
// polling rules (slow_down, 429 + Retry-After, expiry) with a fake clock — nothing sleeps for real.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { makeAccount } from '../helpers/oauth-fixtures.ts';
import { startOAuthServer } from '../helpers/oauth-server.ts';
import { oauthConfigFrom } from '../../lib/config/oauth.ts';
import { decideDeviceGrant, enterUserCode } from '../../lib/auth/device-grant.ts';
import { pollForTokens, type Io } from '../../cli/src/auth.ts';
import { main } from '../../cli/src/main.ts';
import { loadTokens, saveTokens } from '../../cli/src/tokens.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ctx = { ip: '127.0.0.1', userAgent: 'test' };

function runCli(args: string[], onLine?: (line: string) => void): { done: Promise<{ code: number; out: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, DISPLAY: '' } });
  let out = '';
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d; buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); onLine?.(line); }
  });
  child.stderr.on('data', (d: Buffer) => { out += d; });
  return { done: new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, out }))) };
}

function fakeIo(start = 1_800_000_000_000): Io & { lines: string[]; t: () => number } {
  let t = start;
  const lines: string[] = [];
  return { lines, t: () => t, out: (l) => lines.push(l), status: () => {}, sleep: async (ms) => { t += ms; }, now: () => t };
}

describe('reference CLI', () => {
  let h: TestDatabase;
  let srv: Awaited<ReturnType<typeof startOAuthServer>>;
  let dir: string;
  before(async () => {
    h = await freshDatabase('postgres');
    srv = await startOAuthServer(h.db, (base) => oauthConfigFrom({ OAUTH_DEVICE_POLL_INTERVAL_SECONDS: '1' }, { appUrl: base, authSecret: 'y'.repeat(40) }));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-cli-'));
  });
  after(async () => { await srv?.close(); await h?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  test('login → approve → token file (upstream shape, 0600) → status → logout revokes', async () => {
    const acct = await makeAccount(h.db, 'cli');
    const tokenFile = path.join(dir, 'a', 'basic-memory-cloud.json');
    let approved: Promise<unknown> | undefined;
    const { done } = runCli(['login', '--no-browser', '--host', srv.base, '--token-file', tokenFile], (line) => {
      const m = /Your code:\s+([A-Z]{4}-[A-Z]{4}-[A-Z]{4})/.exec(line);
      if (m && !approved) {
        approved = (async () => {
          const e = await enterUserCode(h.db, { userCode: m[1]!, userId: acct.userId }, srv.cfg, ctx, new Date());
          assert.ok(e.ok);
          assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId: acct.userId, decision: 'approve' }, ctx, new Date()), 'approved');
        })();
      }
    });
    const r = await done;
    await approved;
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Approve at: http:\/\/127\.0\.0\.1:\d+\/device/);
    assert.match(r.out, /Logged in/);
    // Right after login, who and which tenant (before any `status`).
    assert.match(r.out, new RegExp(`Logged in as: ${acct.email}`));
    assert.match(r.out, new RegExp(`Tenant: .*\\(${acct.tenantId}\\)`));
    const st = fs.statSync(tokenFile);
    assert.equal(st.mode & 0o777, 0o600);
    const saved = JSON.parse(fs.readFileSync(tokenFile, 'utf8'));
    assert.deepEqual(Object.keys(saved).sort(), ['access_token', 'expires_at', 'refresh_token', 'token_type']);
    assert.match(saved.access_token, /^bmat_/);
    assert.match(saved.refresh_token, /^bmrt_/);
    assert.equal(saved.token_type, 'Bearer');
    assert.ok(Math.abs(saved.expires_at - (Date.now() / 1000 + 3600)) < 30);
    assert.ok(!r.out.includes(saved.access_token) && !r.out.includes(saved.refresh_token), 'tokens never printed');

    const s = await runCli(['status', '--token-file', tokenFile]).done; // host remembered from login
    assert.equal(s.code, 0, s.out);
    assert.match(s.out, new RegExp(`Logged in as: ${acct.email}`));
    assert.match(s.out, new RegExp(`Tenant: .*\\(${acct.tenantId}\\)`));

    // Within 60 s of expiry → status refreshes first, and the file gets the rotated pair.
    saveTokens(tokenFile, { ...saved, expires_at: Math.floor(Date.now() / 1000) + 30 });
    const s2 = await runCli(['status', '--token-file', tokenFile]).done;
    assert.equal(s2.code, 0, s2.out);
    const refreshed = loadTokens(tokenFile)!;
    assert.notEqual(refreshed.refresh_token, saved.refresh_token);
    assert.notEqual(refreshed.access_token, saved.access_token);
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);

    const lo = await runCli(['logout', '--token-file', tokenFile]).done;
    assert.equal(lo.code, 0, lo.out);
    assert.match(lo.out, /revoked/);
    assert.equal(fs.existsSync(tokenFile), false);
    // The revoked access token no longer works.
    const res = await fetch(`${srv.base}/api/me`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    assert.equal(res.status, 401);
    const s3 = await runCli(['status', '--token-file', tokenFile]).done;
    assert.notEqual(s3.code, 0);
    assert.match(s3.out, /Not logged in/);
  });

  test('denied in the browser → clear message, non-zero exit, no token file', async () => {
    const acct = await makeAccount(h.db, 'deny');
    const tokenFile = path.join(dir, 'b', 'tokens.json');
    const { done } = runCli(['login', '--no-browser', '--host', srv.base, '--token-file', tokenFile], (line) => {
      const m = /Your code:\s+([A-Z]{4}-[A-Z]{4}-[A-Z]{4})/.exec(line);
      if (m) void (async () => {
        const e = await enterUserCode(h.db, { userCode: m[1]!, userId: acct.userId }, srv.cfg, ctx, new Date());
        if (e.ok) await decideDeviceGrant(h.db, { grantId: e.grant.id, userId: acct.userId, decision: 'deny' }, ctx, new Date());
      })();
    });
    const r = await done;
    assert.equal(r.code, 1);
    assert.match(r.out, /denied/);
    assert.equal(fs.existsSync(tokenFile), false);
  });

  test('the CLI polls until expires_in and then says the code expired (fake clock)', async () => {
    const io = fakeIo();
    const s2 = await startOAuthServer(h.db, (base) => oauthConfigFrom({ OAUTH_DEVICE_CODE_TTL_SECONDS: '60' }, { appUrl: base, authSecret: 'y'.repeat(40) }), () => new Date(io.now()));
    try {
      const code = await main(['login', '--no-browser', '--host', s2.base, '--token-file', path.join(dir, 'c.json')], io);
      assert.equal(code, 1);
      assert.match(io.lines.join('\n'), /code expired/);
      assert.ok(io.t() - 1_800_000_000_000 >= 60_000, 'kept polling for the whole lifetime');
    } finally { await s2.close(); }
  });

  test('polling honours the interval, slow_down (with the server’s new interval) and 429 + Retry-After', async () => {
    const io = fakeIo();
    const times: number[] = [];
    const script: Array<[number, Record<string, unknown>, Record<string, string>?]> = [
      [400, { error: 'authorization_pending' }],
      [429, { error: 'temporarily_unavailable' }, { 'retry-after': '12' }],
      [400, { error: 'slow_down', interval: 20 }],
      [400, { error: 'authorization_pending' }],
      [200, { access_token: 'bmat_x', refresh_token: 'bmrt_y', expires_in: 3600, token_type: 'Bearer' }],
    ];
    const fake = http.createServer((_req, res) => {
      times.push(io.now());
      const [status, body, headers] = script[times.length - 1]!;
      res.writeHead(status, { 'content-type': 'application/json', ...(headers ?? {}) });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const t = await pollForTokens({ host: base, clientId: 'bmc-cli', tokenFile: '', settingsFile: '' },
        { device_code: 'bmdc_x', user_code: 'BCDF-GHJK-LMNP', verification_uri: base, expires_in: 900, interval: 5 }, 'v'.repeat(43), io);
      assert.equal(t.access_token, 'bmat_x');
      const gaps = times.map((x, i) => (x - (i ? times[i - 1]! : 1_800_000_000_000)) / 1000);
      assert.ok(gaps[0]! >= 5, `first poll after one interval: ${gaps}`);
      assert.ok(gaps[1]! >= 5 && gaps[1]! < 6, `then the interval: ${gaps}`);
      assert.ok(gaps[2]! >= 12, `after 429 waits Retry-After: ${gaps}`);
      assert.ok(gaps[3]! >= 20, `after slow_down waits the new interval: ${gaps}`);
      assert.ok(gaps[4]! >= 20, `and keeps it: ${gaps}`);
    } finally { fake.close(); }
  });
});
