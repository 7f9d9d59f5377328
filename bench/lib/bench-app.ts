// Shared set-up of the benchmarks that need the whole system: a fresh Postgres database, the app via
// `npm start` (scripts/start.mjs: builds if stale) on `port`, an account whose tenant the app
// provisions, and a real CLI access token (Bearer) for it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../lib/db/client.ts';
import { cliSessions, memberships, tenantEndpoints, tenants, users } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';
import { createPostgresDatabase } from '../../tests/helpers/test-db.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BENCH_AUTH_SECRET = 'bench-auth-secret-' + 'x'.repeat(32);

async function waitFor<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface BenchApp {
  url: string;
  app: ChildProcess;
  db: DatabaseHandle;
  userId: string;
  tenantId: string;
  /** A CLI access token (Bearer) of the account. */
  token: string;
  /** The tenant API's own address (for direct, signed requests). */
  tenant: { host: string; port: number; pid: number };
  tmp: string;
  cleanup(): Promise<void>;
}

/** Starts everything; `env` is added to the app's environment (e.g. APP_MAX_IN_FLIGHT). */
export async function startBenchApp(port: number, env: Record<string, string> = {}, label = 'bench'): Promise<BenchApp> {
  const url = `http://127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `bmc-${label}-`));
  const pg = await createPostgresDatabase();
  let db: DatabaseHandle | null = null;
  const app = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env, PORT: String(port), DEV_OIDC_PORT: String(port + 1), APP_URL: url, DATABASE_URL: pg.url,
      BMC_DATA_DIR: path.join(tmp, 'data'), TENANT_INDEX_ROOT: path.join(tmp, 'index'), AUTH_SECRET: BENCH_AUTH_SECRET, BMC_ENV: 'development',
      OIDC_ISSUER: '', LOG_LEVEL: 'warn', TENANT_SYNC_INTERVAL_SECONDS: '0', ...env,
    },
  });
  const cleanup = async () => {
    if (app.exitCode === null) {
      app.kill('SIGTERM');
      await new Promise((r) => { const t = setTimeout(() => { app.kill('SIGKILL'); r(null); }, 10_000); app.once('exit', () => { clearTimeout(t); r(null); }); });
    }
    await db?.close().catch(() => {});
    await pg.drop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    console.log(`[bench] starting the app on ${url} (fresh Postgres database, data in ${tmp})…`);
    await waitFor('the app', async () => (await fetch(`${url}/api/health`)).ok, 15 * 60_000);
    db = await openDatabase({ url: pg.url, max: 2 });
    const [u] = await db.db.insert(users).values({ issuer: 'https://bench.invalid', subject: label, email: `${label}@example.test`, emailVerified: true, name: label }).returning();
    const [t] = await db.db.insert(tenants).values({ name: label, bucketName: `${label}-bucket` }).returning();
    await db.db.insert(memberships).values({ userId: u!.id, tenantId: t!.id, role: 'owner' });
    const now = new Date();
    const session = await insertCliSession(db.db, { userId: u!.id, tenantId: t!.id, clientId: 'bmc-cli', scope: 'openid profile email offline_access' } as typeof cliSessions.$inferInsert);
    const token = randomToken(ACCESS_TOKEN_PREFIX);
    await insertAccessToken(db.db, hashSecret(token), session.id, new Date(now.getTime() + 3600_000), now);
    const t0 = Date.now();
    const handle = db;
    const ep = await waitFor('the tenant to run', async () => {
      const [row] = await handle.db.select({ status: tenants.status, host: tenantEndpoints.host, port: tenantEndpoints.port, pid: tenantEndpoints.pid })
        .from(tenants).leftJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id)).where(eq(tenants.id, t!.id));
      return row?.status === 'running' && row.port ? row : null;
    }, 60_000);
    console.log(`[bench] tenant running after ${((Date.now() - t0) / 1000).toFixed(1)} s at ${ep.host}:${ep.port}`);
    return { url, app, db, userId: u!.id, tenantId: t!.id, token, tenant: { host: ep.host!, port: ep.port!, pid: ep.pid! }, tmp, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
