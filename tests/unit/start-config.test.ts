// `npm start` (scripts/start.mjs) and the development provider exit at start on bad configuration,
// naming the variable and what it expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const baseEnv = () => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(BMC_|OIDC_|AUTH_SECRET|APP_URL|PORT|DEV_OIDC|OPS_EMAILS|DATABASE_URL)/.test(k)) env[k] = v;
  env.BMC_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-start-'));
  return env;
};

function run(script: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(root, script)], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 30_000 });
}

test('npm start with a bad PORT exits 1 naming PORT and what it expects', () => {
  const r = run('scripts/start.mjs', { ...baseEnv(), PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /Invalid configuration/);
  assert.match(r.stderr, /PORT: expects a TCP port number \(1-65535\)/);
  assert.match(r.stderr, /DATABASE_URL: expects a Postgres connection string/);
  assert.doesNotMatch(r.stdout, /building the app/);
});

test('npm start in production without AUTH_SECRET exits 1 naming AUTH_SECRET', () => {
  const r = run('scripts/start.mjs', { ...baseEnv(), BMC_ENV: 'production', APP_URL: 'https://cloud.example.com', OIDC_ISSUER: 'https://x.authkit.app', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /AUTH_SECRET: is required when BMC_ENV=production/);
});

test('the development OpenID provider refuses to start in production unless DEV_OIDC_ENABLE=true', () => {
  const r = run('lib/auth/dev-oidc/server.ts', { ...baseEnv(), BMC_ENV: 'production', APP_URL: 'https://cloud.example.com', AUTH_SECRET: 'y'.repeat(40), DEV_OIDC_PORT: '39999' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /OIDC_ISSUER: is required when BMC_ENV=production.*DEV_OIDC_ENABLE=true/s);
});
