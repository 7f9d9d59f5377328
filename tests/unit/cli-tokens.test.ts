// Reference CLI pieces: token validity with the upstream 60 s skew, token-response mapping, args.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromTokenResponse, isTokenValid, loadTokens, saveTokens } from '../../cli/src/tokens.ts';
import { parseArgs } from '../../cli/src/main.ts';
import { resolveSettings } from '../../cli/src/settings.ts';

test('a token counts as valid until 60 s before expires_at (upstream skew)', () => {
  const t = { access_token: 'a', refresh_token: 'r', expires_at: 1000, token_type: 'Bearer' };
  assert.equal(isTokenValid(t, 939), true);
  assert.equal(isTokenValid(t, 940), false);
  assert.equal(isTokenValid(t, 2000), false);
});

test('token responses map to the upstream file shape (defaults: 3600 s, Bearer)', () => {
  assert.deepEqual(fromTokenResponse({ access_token: 'a' }, 100), { access_token: 'a', refresh_token: null, expires_at: 3700, token_type: 'Bearer' });
  assert.deepEqual(fromTokenResponse({ access_token: 'a', refresh_token: 'r', expires_in: 60, token_type: 'Bearer' }, 100).expires_at, 160);
});

test('saveTokens writes 0600 atomically; loadTokens rejects junk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-tok-'));
  try {
    const f = path.join(dir, 'sub', 't.json');
    saveTokens(f, { access_token: 'a', refresh_token: 'r', expires_at: 5, token_type: 'Bearer' });
    assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    assert.equal(loadTokens(f)?.refresh_token, 'r');
    fs.writeFileSync(f, 'not json');
    assert.equal(loadTokens(f), null);
    assert.equal(fs.readdirSync(path.dirname(f)).length, 1, 'no temp files left');
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('args: command, flags with values, boolean --no-* flags; --host must be a URL', () => {
  assert.deepEqual(parseArgs(['login', '--host', 'http://x:1', '--no-browser']), { command: 'login', args: [], flags: { host: 'http://x:1', 'no-browser': true } });
  assert.deepEqual(parseArgs(['status', '--token-file=/tmp/a']).flags, { 'token-file': '/tmp/a' });
  assert.throws(() => resolveSettings({ host: 'not a url', 'token-file': '/tmp/none/x.json' }), /--host/);
  assert.equal(resolveSettings({ host: 'http://h:1///', 'token-file': '/tmp/none/x.json' }).host, 'http://h:1');
});

test('the saved settings file is validated: a broken one is an error naming it, never silently ignored', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-cli-settings-'));
  const envHost = process.env.BMC_HOST;
  delete process.env.BMC_HOST;
  try {
    const tokenFile = path.join(dir, 'basic-memory-cloud.json');
    const settingsFile = path.join(dir, 'bmc-cli.json');
    assert.equal(resolveSettings({ 'token-file': tokenFile }).host, 'http://localhost:3000', 'no file: defaults');
    fs.writeFileSync(settingsFile, JSON.stringify({ host: 'https://cloud.example.test/', client_id: 'bmc-cli' }));
    assert.equal(resolveSettings({ 'token-file': tokenFile }).host, 'https://cloud.example.test');
    fs.writeFileSync(settingsFile, '{"host": ');
    assert.throws(() => resolveSettings({ 'token-file': tokenFile }), (e: Error) => e.message.includes(settingsFile) && /not valid JSON/.test(e.message));
    fs.writeFileSync(settingsFile, JSON.stringify({ host: 42 }));
    assert.throws(() => resolveSettings({ 'token-file': tokenFile }), (e: Error) => e.message.includes(settingsFile) && /host/.test(e.message));
  } finally {
    if (envHost !== undefined) process.env.BMC_HOST = envHost;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
