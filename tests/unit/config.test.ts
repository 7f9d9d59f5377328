import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config/index.ts';
import { persistedAuthSecret } from '../../lib/config/app.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-config-'));
const SECRET = 'x'.repeat(40);

function issuesOf(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig({ BMC_DATA_DIR: tmp(), ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return Object.fromEntries(err.issues.map((i) => [i.variable, i.message]));
  }
  assert.fail('expected a ConfigError');
}

test('defaults: development, port 3000, PGlite, dev OIDC provider on 127.0.0.1:3001', () => {
  const dir = tmp();
  const { app } = loadConfig({ BMC_DATA_DIR: dir });
  assert.equal(app.env, 'development');
  assert.equal(app.port, 3000);
  assert.equal(app.appUrl, 'http://localhost:3000');
  assert.equal(app.databaseUrl, undefined);
  assert.equal(app.dataDir, dir);
  assert.equal(app.oidc.devProvider, true);
  assert.equal(app.oidc.issuer, 'http://127.0.0.1:3001');
  assert.deepEqual(app.opsEmails, []);
  assert.equal(app.logLevel, 'info');
});

test('blank values mean "use the default"', () => {
  const { app } = loadConfig({ BMC_DATA_DIR: tmp(), PORT: '', DATABASE_URL: '', OIDC_ISSUER: '  ' });
  assert.equal(app.port, 3000);
  assert.equal(app.databaseUrl, undefined);
  assert.equal(app.oidc.devProvider, true);
});

test('bad values: every variable at fault is named with what it expects', () => {
  const issues = issuesOf({ PORT: 'abc', DEV_OIDC_PORT: '70000', BMC_ENV: 'prod', DATABASE_URL: 'mysql://x', OIDC_ISSUER: 'not a url', OPS_EMAILS: 'a@b.c, nope', LOG_LEVEL: 'loud', DEV_OIDC_ENABLE: 'maybe', AUTH_SECRET: 'short' });
  assert.match(issues.PORT!, /TCP port number/);
  assert.match(issues.DEV_OIDC_PORT!, /TCP port number/);
  assert.match(issues.BMC_ENV!, /development, production/);
  assert.match(issues.DATABASE_URL!, /Postgres connection string/);
  assert.match(issues.OIDC_ISSUER!, /http\(s\) URL/);
  assert.match(issues.OPS_EMAILS!, /email addresses/);
  assert.match(issues.LOG_LEVEL!, /one of/);
  assert.match(issues.DEV_OIDC_ENABLE!, /true or false/);
  assert.match(issues.AUTH_SECRET!, /at least 32/);
  // Secret values are never echoed back.
  try { loadConfig({ BMC_DATA_DIR: tmp(), AUTH_SECRET: 'hunter2-short' }); } catch (err) {
    assert.ok(!(err as Error).message.includes('hunter2'));
  }
});

test('OIDC_ISSUER needs its client id and secret; then the dev provider is off', () => {
  const issues = issuesOf({ OIDC_ISSUER: 'https://example.authkit.app' });
  assert.match(issues.OIDC_CLIENT_ID!, /required when OIDC_ISSUER is set/);
  assert.match(issues.OIDC_CLIENT_SECRET!, /required when OIDC_ISSUER is set/);
  const { app } = loadConfig({ BMC_DATA_DIR: tmp(), OIDC_ISSUER: 'https://example.authkit.app/', OIDC_CLIENT_ID: 'client_1', OIDC_CLIENT_SECRET: 'sk_1' });
  assert.deepEqual(app.oidc, { issuer: 'https://example.authkit.app', clientId: 'client_1', clientSecret: 'sk_1', devProvider: false, devPort: 3001 });
});

test('production requires AUTH_SECRET, APP_URL and a real OIDC issuer (or an explicit DEV_OIDC_ENABLE)', () => {
  const issues = issuesOf({ BMC_ENV: 'production' });
  assert.match(issues.AUTH_SECRET!, /required when BMC_ENV=production/);
  assert.match(issues.APP_URL!, /required when BMC_ENV=production/);
  assert.match(issues.OIDC_ISSUER!, /DEV_OIDC_ENABLE/);
  const { app } = loadConfig({ BMC_DATA_DIR: tmp(), BMC_ENV: 'production', AUTH_SECRET: SECRET, APP_URL: 'https://cloud.example.com', DEV_OIDC_ENABLE: 'true' });
  assert.equal(app.oidc.devProvider, true);
  assert.equal(app.authSecretGenerated, false);
});

test('AUTH_SECRET outside production: generated once, persisted with mode 0600, reused', () => {
  const dir = tmp();
  const a = loadConfig({ BMC_DATA_DIR: dir }).app;
  assert.equal(a.authSecretGenerated, true);
  assert.ok(a.authSecret.length >= 32);
  const file = path.join(dir, 'auth-secret');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const b = loadConfig({ BMC_DATA_DIR: dir }).app;
  assert.equal(b.authSecret, a.authSecret);
  assert.equal(b.oidc.clientSecret, a.oidc.clientSecret, 'the dev client secret is derived from the auth secret');
  assert.equal(persistedAuthSecret(dir), a.authSecret);
  // An explicit secret wins and nothing is generated.
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp(), AUTH_SECRET: SECRET }).app.authSecret, SECRET);
});

test('OPS_EMAILS is a trimmed, lower-cased list; relative data dirs resolve against cwd', () => {
  const { app } = loadConfig({ BMC_DATA_DIR: 'rel-data', OPS_EMAILS: ' Ops@Example.com ,b@c.d,' , AUTH_SECRET: SECRET }, '/srv/bmc');
  assert.deepEqual(app.opsEmails, ['ops@example.com', 'b@c.d']);
  assert.equal(app.dataDir, '/srv/bmc/rel-data');
});

test('TENANT_TRASH_RETENTION_DAYS: default 30, passed to tenants, validated', () => {
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp() }).tenants.trashRetentionDays, 30);
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp(), TENANT_TRASH_RETENTION_DAYS: '7' }).tenants.trashRetentionDays, 7);
  assert.match(issuesOf({ TENANT_TRASH_RETENTION_DAYS: '0' }).TENANT_TRASH_RETENTION_DAYS!, /days deleted notes stay in the tenant trash/);
});

test('TENANT_IDLE_STOP_SECONDS: default 15 min, 0 = never, validated; TENANT_WAKE_TIMEOUT_MS default 30 s', () => {
  const t = loadConfig({ BMC_DATA_DIR: tmp() }).tenants;
  assert.equal(t.idleStopMs, 900_000);
  assert.equal(t.wakeTimeoutMs, 30_000);
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp(), TENANT_IDLE_STOP_SECONDS: '0' }).tenants.idleStopMs, 0);
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp(), TENANT_IDLE_STOP_SECONDS: '60' }).tenants.idleStopMs, 60_000);
  assert.match(issuesOf({ TENANT_IDLE_STOP_SECONDS: '-1' }).TENANT_IDLE_STOP_SECONDS!, /idle seconds before a tenant sleeps/);
  assert.match(issuesOf({ TENANT_IDLE_STOP_SECONDS: 'soon' }).TENANT_IDLE_STOP_SECONDS!, /idle seconds before a tenant sleeps/);
  assert.match(issuesOf({ TENANT_WAKE_TIMEOUT_MS: '5' }).TENANT_WAKE_TIMEOUT_MS!, /waits for a sleeping tenant to wake between 1000/);
});

test('BROWSER_SESSION_IDLE_SECONDS / _MAX_AGE_SECONDS: defaults 7 and 30 days, validated, idle ≤ max age', () => {
  assert.deepEqual(loadConfig({ BMC_DATA_DIR: tmp() }).app.browserSession, { idleSeconds: 7 * 86_400, maxAgeSeconds: 30 * 86_400 });
  assert.deepEqual(loadConfig({ BMC_DATA_DIR: tmp(), BROWSER_SESSION_IDLE_SECONDS: '3600', BROWSER_SESSION_MAX_AGE_SECONDS: '86400' }).app.browserSession,
    { idleSeconds: 3600, maxAgeSeconds: 86_400 });
  assert.match(issuesOf({ BROWSER_SESSION_IDLE_SECONDS: 'a week' }).BROWSER_SESSION_IDLE_SECONDS!, /idle browser-session lifetime/);
  assert.match(issuesOf({ BROWSER_SESSION_MAX_AGE_SECONDS: '10' }).BROWSER_SESSION_MAX_AGE_SECONDS!, /absolute browser-session lifetime/);
  assert.match(issuesOf({ BROWSER_SESSION_IDLE_SECONDS: '86400', BROWSER_SESSION_MAX_AGE_SECONDS: '3600' }).BROWSER_SESSION_IDLE_SECONDS!, /at most BROWSER_SESSION_MAX_AGE_SECONDS/);
});

test('TENANT_IDEMPOTENCY_WINDOW_SECONDS: default 24 h, passed to tenants, validated', () => {
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp() }).tenants.idempotencyWindowSeconds, 86_400);
  assert.equal(loadConfig({ BMC_DATA_DIR: tmp(), TENANT_IDEMPOTENCY_WINDOW_SECONDS: '600' }).tenants.idempotencyWindowSeconds, 600);
  assert.match(issuesOf({ TENANT_IDEMPOTENCY_WINDOW_SECONDS: '0' }).TENANT_IDEMPOTENCY_WINDOW_SECONDS!, /Idempotency-Key replay window/);
});
