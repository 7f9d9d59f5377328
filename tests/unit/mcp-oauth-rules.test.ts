// The pure rules of MCP clients' OAuth: which redirect URIs may be registered and how they match, which
// addresses a metadata document may never be fetched from, how requested scopes become tool groups, the
// signed request carried to the consent page, and how long a document is cached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRedirectUri, redirectHost, redirectUriMatches } from '../../lib/auth/mcp-oauth/redirect-uri.ts';
import { cacheSeconds, checkMetadataUrl, isNonPublicAddress } from '../../lib/auth/mcp-oauth/client-metadata-fetch.ts';
import { grantedScope, parseRequestedScope } from '../../lib/auth/mcp-oauth/scopes.ts';
import { readPendingRequest, signPendingRequest, type PendingRequest } from '../../lib/auth/mcp-oauth/authorization-request.ts';

test('redirect URIs: https exact, loopback http on any port with exact path, private-use schemes; nothing else', () => {
  for (const ok of ['https://claude.ai/api/mcp/auth_callback', 'http://127.0.0.1:33418', 'http://localhost/callback', 'http://[::1]:9000/cb', 'cursor://anysphere.cursor-mcp/oauth/callback', 'com.example.app:/oauth']) {
    assert.ok(!('error' in classifyRedirectUri(ok)), ok);
  }
  for (const bad of ['http://example.com/cb', 'http://127.0.0.2.nip.io/cb', 'javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'https://a.example/cb#x', 'https://u:p@a.example/cb', 'app:', 'relative/path']) {
    assert.ok('error' in classifyRedirectUri(bad), bad);
  }
  const reg = ['http://127.0.0.1:1234/callback', 'https://app.example/cb'];
  assert.ok(redirectUriMatches('http://127.0.0.1:5555/callback', reg), 'loopback: any port');
  assert.ok(!redirectUriMatches('http://127.0.0.1:5555/other', reg), 'loopback: exact path');
  assert.ok(!redirectUriMatches('http://localhost:5555/callback', reg), 'loopback: same host name');
  assert.ok(!redirectUriMatches('http://127.0.0.1:5555/callback?x=1', reg), 'loopback: exact query');
  assert.ok(redirectUriMatches('https://app.example/cb', reg));
  assert.ok(!redirectUriMatches('https://app.example/cb/', reg), 'https: exact string');
  assert.ok(!redirectUriMatches('https://app.example:443/cb2', reg));
  assert.equal(redirectHost('https://claude.ai/api/mcp/auth_callback'), 'claude.ai');
  assert.equal(redirectHost('http://127.0.0.1:33418/'), '127.0.0.1 (this computer)');
  assert.equal(redirectHost('cursor://anysphere.cursor-mcp/oauth/callback'), 'cursor://anysphere.cursor-mcp');
});

test('metadata documents: URL shape, non-public addresses (with mapped forms), cache lifetime', () => {
  assert.equal(typeof checkMetadataUrl('https://claude.ai/oauth/mcp-oauth-client-metadata'), 'object');
  for (const bad of ['http://a.example/c.json', 'https://a.example/', 'https://a.example', 'https://u@a.example/c', 'https://a.example/c#f', 'https://a.example/a/../c']) {
    assert.equal(typeof checkMetadataUrl(bad), 'string', bad);
  }
  for (const a of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.100.100.100', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fc00::1', '::ffff:10.0.0.1', '::ffff:a00:1', '64:ff9b::7f00:1', '0:0:0:0:0:ffff:7f00:1', '::FFFF:127.0.0.1', 'not-an-ip']) {
    assert.ok(isNonPublicAddress(a), a);
  }
  for (const a of ['8.8.8.8', '160.79.104.10', '2a00:1450:4001::1']) assert.ok(!isNonPublicAddress(a), a);
  assert.equal(cacheSeconds('public, max-age=600'), 600);
  assert.equal(cacheSeconds('max-age=99999999'), 7 * 86_400);
  assert.equal(cacheSeconds(null), 3600);
  assert.equal(cacheSeconds('no-store'), 0);
});

test('scopes: groups asked for (all when none), unknown refused, offline_access always granted', () => {
  assert.deepEqual(parseRequestedScope(undefined), { groups: ['memory:read', 'memory:write', 'memory:admin'], offline: true });
  assert.deepEqual(parseRequestedScope('memory:read offline_access openid'), { groups: ['memory:read'], offline: true });
  assert.ok('error' in parseRequestedScope('memory:read admin:all'));
  assert.equal(grantedScope(['memory:admin', 'memory:read', 'bogus']), 'memory:read memory:admin offline_access');
});

test('the signed pending request: tamper-proof and short-lived', () => {
  const r: PendingRequest = { clientId: 'bmcl_x', redirectUri: 'http://127.0.0.1/cb', codeChallenge: 'a'.repeat(43), state: 's', resource: 'http://x/mcp', groups: ['memory:read'], iat: 1_800_000_000 };
  const token = signPendingRequest('k'.repeat(40), r);
  assert.deepEqual(readPendingRequest('k'.repeat(40), token, new Date(1_800_000_100_000)), r);
  assert.equal(readPendingRequest('j'.repeat(40), token, new Date(1_800_000_100_000)), null, 'other secret');
  assert.equal(readPendingRequest('k'.repeat(40), token, new Date(1_800_001_000_000)), null, 'expired');
  const [payload, sig] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...r, groups: ['memory:admin'] })).toString('base64url');
  assert.equal(readPendingRequest('k'.repeat(40), `${forged}.${sig}`, new Date(1_800_000_100_000)), null, 'changed payload');
  assert.ok(payload);
});
