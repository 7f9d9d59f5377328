// The oauth config section: defaults, limits, client registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../lib/config/index.ts';
import { UPSTREAM_CLI_CLIENT_ID } from '../../lib/config/oauth.ts';

const base = { BMC_DATA_DIR: '/tmp/bmc-oauth-config-test', AUTH_SECRET: 'a'.repeat(40) };

test('defaults: bmc-cli + the upstream client id (both PKCE), 1 h access tokens, ≤ 900 s codes, interval 5', () => {
  const { oauth } = loadConfig(base, '/tmp');
  assert.equal(oauth.cliClientId, 'bmc-cli');
  assert.equal(oauth.clients.get('bmc-cli')?.requirePkce, true);
  assert.equal(oauth.clients.get(UPSTREAM_CLI_CLIENT_ID)?.requirePkce, true);
  assert.equal(oauth.accessTokenTtlSeconds, 3600);
  assert.ok(oauth.deviceCodeTtlSeconds <= 900);
  assert.equal(oauth.pollIntervalSeconds, 5);
  assert.equal(oauth.verificationUri, 'http://localhost:3000/device');
});

test('extra clients, upstream id switch, and bad values name the variable', () => {
  const { oauth } = loadConfig({ ...base, OAUTH_EXTRA_CLIENT_IDS: 'a-tool, b.tool', OAUTH_EXTRA_CLIENTS_REQUIRE_PKCE: 'false', OAUTH_ACCEPT_UPSTREAM_CLIENT_ID: 'false' }, '/tmp');
  assert.equal(oauth.clients.get('a-tool')?.requirePkce, false);
  assert.ok(oauth.clients.has('b.tool'));
  assert.ok(!oauth.clients.has(UPSTREAM_CLI_CLIENT_ID));
  for (const [k, v] of [['OAUTH_DEVICE_CODE_TTL_SECONDS', '901'], ['OAUTH_ACCESS_TOKEN_TTL_SECONDS', 'soon'], ['OAUTH_EXTRA_CLIENT_IDS', 'bad id!']]) {
    assert.throws(() => loadConfig({ ...base, [k]: v }, '/tmp'), (e: unknown) => e instanceof ConfigError && e.message.includes(k));
  }
});
