#!/usr/bin/env node
// `npm start`: validate the configuration, build the Next app when the build is missing or older
// than the sources, start the development OpenID provider when OIDC_ISSUER is unset, then
// `next start` — behind the front edge (lib/http/front-edge.ts, in this process, on PORT; Next on a
// loopback port) unless APP_FRONT_EDGE=false, when Next listens on PORT itself. Signals are forwarded;
// on one, the edge stops accepting and lets requests in flight finish before the children are stopped.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const log = (msg) => console.log(`[start] ${msg}`);

// 1. Configuration (exits non-zero with a message naming each bad variable).
// Next itself loads .env.production.local, .env.local, .env.production and .env (the shell wins);
// load them here first with Next's own loader, so validation, the development provider and Next
// all see the same values, and nothing from a file reaches Next unvalidated.
const { loadEnvConfig } = createRequire(path.join(root, 'node_modules/next/package.json'))('@next/env');
loadEnvConfig(root, false, { info: (...a) => log(a.join(' ')), error: (...a) => console.error('[start]', ...a) });
const { loadConfig, ConfigError } = await import('../lib/config/index.ts');
let config;
try {
  config = loadConfig(process.env, root);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const { app } = config;
if (app.authSecretGenerated) log(`AUTH_SECRET not set: using the generated secret in ${path.join(app.dataDir, 'auth-secret')}`);

const env = {
  ...process.env,
  NODE_ENV: 'production',
  // Resolved here from the outer PORT: behind the front edge, `next start -p <loopback port>` rewrites PORT, and an
  // APP_URL derived from that would name the hidden port (device verification URLs, issuer, the Origin check).
  APP_URL: app.appUrl,
  NEXTAUTH_URL: app.appUrl,
  AUTH_SECRET: app.authSecret,
  BMC_DATA_DIR: app.dataDir,
  NEXT_TELEMETRY_DISABLED: '1',
};
const distDir = process.env.NEXT_DIST_DIR || '.next';
const nextBin = path.join(root, 'node_modules/next/dist/bin/next');

// 2. Build when missing or stale.
// tenant/src: the control plane bundles a few shared modules from it (request signatures).
const SOURCES = ['app', 'components', 'lib', 'tenant/src', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'postcss.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'drizzle'];
function newestMtime(p) {
  let st;
  try { st = fs.statSync(p); } catch { return 0; }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    max = Math.max(max, newestMtime(path.join(p, e.name)));
  }
  return max;
}
function buildIsStale() {
  let built;
  try { built = fs.statSync(path.join(root, distDir, 'BUILD_ID')).mtimeMs; } catch { return 'no build yet'; }
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? 'sources changed since the last build' : null;
}
const stale = process.env.BMC_SKIP_BUILD === '1' ? null : buildIsStale();
if (stale) {
  log(`building the app (${stale}) into ${distDir}…`);
  const r = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env });
  if (r.status !== 0) { console.error('[start] next build failed'); process.exit(r.status ?? 1); }
}

// 3. Children: the development OpenID provider (if needed) and the Next server; the front edge.
const children = new Set();
let stopping = false;
let edge = null;
// Within the same 8 s as before the edge (callers such as Playwright SIGKILL us soon after): up to 3 s for the
// requests in flight to finish, the rest for the children to stop.
const EDGE_GRACE_MS = 3000;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  const t = setTimeout(() => { for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } } process.exit(code); }, 8000);
  t.unref();
  if (edge) await edge.close(EDGE_GRACE_MS).catch(() => {});
  for (const c of children) { try { c.kill('SIGTERM'); } catch { /* gone */ } }
  const done = () => { if ([...children].every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code); };
  for (const c of children) c.once('exit', done);
  done();
}
function run(name, args, extra = {}) {
  const child = spawn(process.execPath, args, { stdio: extra.ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit', env: { ...env, ...extra.env } });
  children.add(child);
  child.on('exit', (code, signal) => {
    if (!stopping) { console.error(`[start] ${name} exited (${signal ?? code}); stopping`); void stopAll(code || 1); }
  });
  return child;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stopAll(0));

function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.ok) return true; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

if (app.oidc.devProvider) {
  if (app.env === 'production' && process.env.DEV_OIDC_ENABLE !== 'true') {
    console.error('[start] refusing to run the development OpenID provider with BMC_ENV=production (set OIDC_ISSUER, or DEV_OIDC_ENABLE=true)');
    process.exit(1);
  }
  run('development OpenID provider', [path.join(root, 'lib/auth/dev-oidc/server.ts')]);
  if (!(await waitFor(`${app.oidc.issuer}/.well-known/openid-configuration`, 20000))) {
    console.error(`[start] the development OpenID provider did not come up at ${app.oidc.issuer}`);
    await stopAll(1);
  }
}
const { network } = config;
if (network.frontEdge) {
  const [{ startFrontEdge }, { ReportedLoopLag }, { EDGE_KEY_ENV }] = await Promise.all([
    import('../lib/http/front-edge.ts'), import('../lib/http/load-shedding.ts'), import('../lib/auth/request-info.ts'),
  ]);
  const appPort = await freeLoopbackPort();
  const key = randomBytes(32).toString('base64url');
  const appLag = new ReportedLoopLag();
  // The app's keep-alive outlives the edge pool's idle sockets, so a reused socket is never one the app is closing.
  const next = run('next', [nextBin, 'start', '-H', '127.0.0.1', '-p', String(appPort), '--keepAliveTimeout', '65000'],
    { ipc: true, env: { [EDGE_KEY_ENV]: key } });
  next.on('message', (m) => appLag.onMessage(m));
  try {
    edge = await startFrontEdge({
      port: app.port, app: { host: '127.0.0.1', port: appPort }, key,
      maxInFlight: network.maxInFlight, maxEventLoopLagMs: network.maxEventLoopLagMs, appLag, log,
    });
  } catch (err) {
    console.error(`[start] the front edge could not listen on port ${app.port}: ${err instanceof Error ? err.message : err}`);
    await stopAll(1);
  }
} else {
  run('next', [nextBin, 'start', '-p', String(app.port)]);
}
log(`Basic Memory Cloud on ${app.appUrl}${app.oidc.devProvider ? ` (development sign-in via ${app.oidc.issuer})` : ''}`);
