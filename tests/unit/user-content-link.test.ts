// Links to the separate content origin: only this server can mint one, it names exactly one file, it expires;
// the setting is an origin on another host than the app's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../lib/config/index.ts';
import { contentLink, signContentToken, verifyContentToken } from '../../lib/http/user-content-link.ts';

const SECRET = 's'.repeat(40);
const REF = { tenantId: '8d3c0f4e-0000-4000-8000-000000000001', project: 'main', path: 'attack/evil page.html' };

test('a token names its file until it expires; a forged, altered or foreign one names nothing', () => {
  const now = Date.parse('2026-12-07T04:00:00Z');
  const t = signContentToken(SECRET, REF, 300, now);
  assert.deepEqual(verifyContentToken(SECRET, t, now + 299_000), REF);
  assert.equal(verifyContentToken(SECRET, t, now + 301_000), null, 'expired');
  assert.equal(verifyContentToken('o'.repeat(40), t, now), null, 'another server');
  const [payload, mac] = t.split('.') as [string, string];
  const other = Buffer.from(JSON.stringify({ t: REF.tenantId, p: 'main', f: 'other.html', e: Math.floor(now / 1000) + 300 })).toString('base64url');
  assert.equal(verifyContentToken(SECRET, `${other}.${mac}`, now), null, 'another file under the same signature');
  assert.equal(verifyContentToken(SECRET, `${payload}.${mac.slice(0, -2)}`, now), null, 'a cut signature');
  assert.equal(verifyContentToken(SECRET, 'garbage', now), null);
  assert.match(contentLink('http://127.0.0.1:3000', t, 'evil page.html'), /^http:\/\/127\.0\.0\.1:3000\/content\/[\w-]+\.[\w-]+\/evil%20page\.html$/);
});

test('USER_CONTENT_ORIGIN: unset by default; an origin on another host; never a path or the app\'s host', () => {
  const base = { BMC_DATA_DIR: '/tmp/bmc-user-content-test', AUTH_SECRET: SECRET, APP_URL: 'http://localhost:3000' };
  assert.equal(loadConfig(base, '/tmp').userContent.origin, null);
  assert.equal(loadConfig({ ...base, USER_CONTENT_ORIGIN: 'http://127.0.0.1:3000/' }, '/tmp').userContent.origin, 'http://127.0.0.1:3000');
  for (const bad of ['https://usercontent.example.net/files', 'localhost:3000', 'http://localhost:4000']) {
    assert.throws(() => loadConfig({ ...base, USER_CONTENT_ORIGIN: bad }, '/tmp'), (e: unknown) => e instanceof ConfigError && e.message.includes('USER_CONTENT_ORIGIN'), bad);
  }
});
