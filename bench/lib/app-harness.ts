// Shared by the benchmarks that drive the real app (bench:proxy, bench:notes): start the app with `npm start`'s
// script on a fresh Postgres database, provision an account whose tenant the app's supervisor starts, mint a real
// CLI access token (and, when asked, a browser session cookie) for it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { encode as encodeSessionJwt } from 'next-auth/jwt';
import type { openDatabase } from '../../lib/db/client.ts';
import { cliSessions, memberships, tenantEndpoints, tenants, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { insertBrowserSession } from '../../lib/db/queries/browser-sessions.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const AUTH_SECRET = 'bench-auth-secret-' + 'x'.repeat(32);

type Db = Awaited<ReturnType<typeof openDatabase>>['db'];

async function waitFor<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** scripts/start.mjs (builds when stale) on `port` (dev OIDC on port+1), data under `tmp`; resolves once /api/health answers. */
export async function startApp(opts: { port: number; tmp: string; databaseUrl: string; env?: Record<string, string>; onSpawn?: (app: ChildProcess) => void }): Promise<{ app: ChildProcess; url: string; stop: () => Promise<void> }> {
  const url = `http://127.0.0.1:${opts.port}`;
  const app = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env, PORT: String(opts.port), DEV_OIDC_PORT: String(opts.port + 1), APP_URL: url, DATABASE_URL: opts.databaseUrl,
      BMC_DATA_DIR: path.join(opts.tmp, 'data'), TENANT_INDEX_ROOT: path.join(opts.tmp, 'index'), AUTH_SECRET, BMC_ENV: 'development',
      OIDC_ISSUER: '', LOG_LEVEL: 'warn', TENANT_SYNC_INTERVAL_SECONDS: '0', ...opts.env,
    },
  });
  opts.onSpawn?.(app); // the caller can clean up even if the app never answers
  const stop = async () => {
    if (app.exitCode !== null || app.signalCode !== null) return;
    app.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { app.kill('SIGKILL'); r(null); }, 10_000); app.once('exit', () => { clearTimeout(t); r(null); }); });
  };
  await waitFor('the app', async () => (await fetch(`${url}/api/health`)).ok, 15 * 60_000);
  return { app, url, stop };
}

/** A user owning a new tenant, with a CLI session and a 1-hour access token (as the device grant would give). */
export async function provisionAccount(db: Db, name: string): Promise<{ userId: string; tenantId: string; token: string }> {
  const [u] = await db.insert(users).values({ issuer: 'https://bench.invalid', subject: name, email: `${name}@example.test`, emailVerified: true, name }).returning();
  const [t] = await db.insert(tenants).values({ name, bucketName: `${name}-bucket` }).returning();
  await db.insert(memberships).values({ userId: u!.id, tenantId: t!.id, role: 'owner' });
  const now = new Date();
  const session = await insertCliSession(db, { userId: u!.id, tenantId: t!.id, clientId: 'bmc-cli', scope: 'openid profile email offline_access' } as typeof cliSessions.$inferInsert);
  const token = randomToken(ACCESS_TOKEN_PREFIX);
  await insertAccessToken(db, hashSecret(token), session.id, new Date(now.getTime() + 3600_000), now);
  return { userId: u!.id, tenantId: t!.id, token };
}

/** Waits until the supervisor reports the tenant running; its loopback address and pid. */
export async function waitTenantRunning(db: Db, tenantId: string, ms = 60_000): Promise<{ host: string; port: number; pid: number | null }> {
  const ep = await waitFor('the tenant to run', async () => {
    const [row] = await db.select({ status: tenants.status, host: tenantEndpoints.host, port: tenantEndpoints.port, pid: tenantEndpoints.pid })
      .from(tenants).leftJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id)).where(eq(tenants.id, tenantId));
    return row?.status === 'running' && row.port ? row : null;
  }, ms);
  return { host: ep.host!, port: ep.port!, pid: ep.pid ?? null };
}

/** A next-auth session cookie for the user (what a signed-in browser sends), naming a live browser_sessions row. */
export async function sessionCookie(db: Db, userId: string, email: string, secret = AUTH_SECRET): Promise<string> {
  const bs = await insertBrowserSession(db, { userId, ip: null, userAgent: 'bench', now: new Date() });
  return `next-auth.session-token=${await encodeSessionJwt({ token: { uid: userId, sid: bs.id, sub: userId, email }, secret })}`;
}
