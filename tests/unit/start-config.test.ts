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

// `npm start` loads the env files Next loads (.env.local, .env, …) before validating, so a value
// from a file is validated and reaches the children. Run against a copy of start.mjs in a temp root
// (lib/ and node_modules/ linked) so no env file is ever written into the shared checkout.
function tempRoot(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-start-root-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(root, 'scripts/start.mjs'), path.join(dir, 'scripts/start.mjs'));
  for (const d of ['lib', 'node_modules', 'tenant']) fs.symlinkSync(path.join(root, d), path.join(dir, d));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
function runIn(dir: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(dir, 'scripts/start.mjs')], { cwd: dir, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
}

test('npm start validates values from .env.local and .env (a bad PORT there exits 1 naming PORT)', () => {
  const dir = tempRoot({ '.env.local': 'PORT=eighty\n', '.env': 'DATABASE_URL=mysql://nope\n' });
  const r = runIn(dir, baseEnv());
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /PORT: expects a TCP port number \(1-65535\)/);
  assert.match(r.stderr, /DATABASE_URL: expects a Postgres connection string/);
  assert.doesNotMatch(r.stdout, /building the app/);
});

test('npm start: the shell wins over .env.local, as in Next', () => {
  const dir = tempRoot({ '.env.local': 'PORT=eighty\nDATABASE_URL=mysql://nope\n' });
  const r = runIn(dir, { ...baseEnv(), PORT: '4123' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /PORT:/);
  assert.match(r.stderr, /DATABASE_URL: expects a Postgres connection string/);
});

test('npm start: .env.local values reach the development OpenID provider and the app URL', async () => {
  const net = await import('node:net');
  const freePort = () => new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
  const [appPort, oidcPort] = [await freePort(), await freePort()];
  // No build in the temp root: `next start` fails right after the provider is up, which ends the run.
  const dir = tempRoot({ '.env.local': `PORT=${appPort}\nDEV_OIDC_PORT=${oidcPort}\nBMC_SKIP_BUILD=1\n` });
  const r = runIn(dir, baseEnv());
  // start.mjs prints this only after the provider answered at the issuer it computed from the file,
  // so the provider (a child) listened on the file's DEV_OIDC_PORT too.
  assert.match(r.stdout, new RegExp(`Basic Memory Cloud on http://localhost:${appPort} \\(development sign-in via http://127\\.0\\.0\\.1:${oidcPort}\\)`), r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /did not come up/);
});

// Behind the front edge, `next start -p <loopback port>` sets PORT to that hidden port inside Next, so an APP_URL
// derived there named it: device verification URLs and the issuer pointed at it, and every Origin-checked POST from
// the public origin (approving a CLI login on /device) was refused as cross-origin. A stand-in `next` does what
// Next does with -p (sets PORT) and prints the app URL the app's own configuration then computes.
test('npm start behind the front edge: the app computes APP_URL from the public PORT, not from Next\'s loopback port', async () => {
  const net = await import('node:net');
  const freePort = () => new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
  const [appPort, oidcPort] = [await freePort(), await freePort()];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-start-root-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(root, 'scripts/start.mjs'), path.join(dir, 'scripts/start.mjs'));
  for (const d of ['lib', 'tenant']) fs.symlinkSync(path.join(root, d), path.join(dir, d));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const e of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (e !== 'next') fs.symlinkSync(path.join(root, 'node_modules', e), path.join(dir, 'node_modules', e));
  }
  const fakeNext = path.join(dir, 'node_modules/next');
  fs.mkdirSync(path.join(fakeNext, 'dist/bin'), { recursive: true });
  fs.writeFileSync(path.join(fakeNext, 'package.json'), '{"name":"next","version":"0.0.0-stand-in"}\n');
  fs.writeFileSync(path.join(fakeNext, 'dist/bin/next'), [
    `const args = process.argv.slice(2);`,
    `process.env.PORT = args[args.indexOf('-p') + 1];`,
    `const { loadConfig } = await import(${JSON.stringify(path.join(root, 'lib/config/index.ts'))});`,
    `console.log('stand-in next: port ' + process.env.PORT + ', app URL ' + loadConfig(process.env).app.appUrl);`,
    `process.exit(0);`,
  ].join('\n'));
  fs.writeFileSync(path.join(fakeNext, 'dist/bin/package.json'), '{"type":"module"}\n');
  const r = runIn(dir, { ...baseEnv(), PORT: String(appPort), DEV_OIDC_PORT: String(oidcPort), BMC_SKIP_BUILD: '1' });
  const line = /stand-in next: port (\d+), app URL (\S+)/.exec(r.stdout);
  assert.ok(line, r.stdout + r.stderr);
  assert.notEqual(Number(line[1]), appPort, 'Next listens on a loopback port of its own behind the edge');
  assert.equal(line[2], `http://localhost:${appPort}`);
});
