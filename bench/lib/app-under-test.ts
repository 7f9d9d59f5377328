// Shared by the benchmarks: the real app (`scripts/start.mjs`: builds if stale) on a fresh Postgres database, an
// account whose tenant the app provisions, and the processes' memory. Nothing here is timed.
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

export async function waitFor<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface AppUnderTest {
  url: string;
  app: ChildProcess;
  db: DatabaseHandle;
  tmp: string;
  authSecret: string;
  stop: () => Promise<void>;
}

/** Starts the app on `port` (dev OIDC on port+1) with its own data dir and a fresh database; extra env on top. */
export async function startApp(port: number, env: Record<string, string> = {}): Promise<AppUnderTest> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-bench-'));
  const pg = await createPostgresDatabase();
  const authSecret = 'bench-auth-secret-' + 'x'.repeat(32);
  const url = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env, PORT: String(port), DEV_OIDC_PORT: String(port + 1), APP_URL: url, DATABASE_URL: pg.url,
      BMC_DATA_DIR: path.join(tmp, 'data'), TENANT_INDEX_ROOT: path.join(tmp, 'index'), AUTH_SECRET: authSecret, BMC_ENV: 'development',
      OIDC_ISSUER: '', LOG_LEVEL: 'warn', TENANT_SYNC_INTERVAL_SECONDS: '0', NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? `.next-${port}`, ...env,
    },
  });
  let db: DatabaseHandle | null = null;
  const stop = async () => {
    if (app.exitCode === null && app.signalCode === null) {
      app.kill('SIGTERM');
      await new Promise((r) => { const t = setTimeout(() => { app.kill('SIGKILL'); r(null); }, 10_000); app.once('exit', () => { clearTimeout(t); r(null); }); });
    }
    await db?.close().catch(() => {});
    await pg.drop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitFor('the app', async () => (await fetch(`${url}/api/health`)).ok, 15 * 60_000);
    db = await openDatabase({ url: pg.url, max: 2 });
  } catch (e) { await stop(); throw e; }
  return { url, app, db: db!, tmp, authSecret, stop };
}

export interface BenchAccount { userId: string; tenantId: string; email: string; token: string; tenant: { host: string; port: number; pid: number } }

/** A user, their tenant (provisioned by the app's supervisor) and a CLI access token. */
export async function provisionAccount(h: DatabaseHandle, name = 'bench'): Promise<BenchAccount> {
  const email = `${name}@example.test`;
  const [u] = await h.db.insert(users).values({ issuer: 'https://bench.invalid', subject: name, email, emailVerified: true, name }).returning();
  const [t] = await h.db.insert(tenants).values({ name, bucketName: `${name}-bucket` }).returning();
  await h.db.insert(memberships).values({ userId: u!.id, tenantId: t!.id, role: 'owner' });
  const now = new Date();
  const session = await insertCliSession(h.db, { userId: u!.id, tenantId: t!.id, clientId: 'bmc-cli', scope: 'openid profile email offline_access' } as typeof cliSessions.$inferInsert);
  const token = randomToken(ACCESS_TOKEN_PREFIX);
  await insertAccessToken(h.db, hashSecret(token), session.id, new Date(now.getTime() + 3600_000), now);
  const ep = await waitFor('the tenant to run', async () => {
    const [row] = await h.db.select({ status: tenants.status, host: tenantEndpoints.host, port: tenantEndpoints.port, pid: tenantEndpoints.pid })
      .from(tenants).leftJoin(tenantEndpoints, eq(tenantEndpoints.tenantId, tenants.id)).where(eq(tenants.id, t!.id));
    return row?.status === 'running' && row.port && row.pid ? row : null;
  }, 60_000);
  return { userId: u!.id, tenantId: t!.id, email, token, tenant: { host: ep.host!, port: ep.port!, pid: ep.pid! } };
}

/** The app's process tree (the Next server and its workers), without tenant API processes. */
export function appPids(rootPid: number): number[] {
  const out: number[] = [rootPid];
  const walk = (ppid: number) => {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== ppid) continue;
        if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('tenant/src/main.ts')) continue;
        out.push(Number(d));
        walk(Number(d));
      } catch { /* gone */ }
    }
  };
  walk(rootPid);
  return out;
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

/** Samples the peak RSS of groups of processes every `everyMs` until stopped (the largest single process per group). */
export function peakRssSampler(groups: Record<string, () => number[]>, everyMs = 100): { stop: () => Record<string, number> } {
  const peaks: Record<string, number> = Object.fromEntries(Object.keys(groups).map((k) => [k, 0]));
  const sample = () => {
    for (const [k, pids] of Object.entries(groups)) {
      const v = Math.max(0, ...pids().map(rssBytes));
      if (v > peaks[k]!) peaks[k] = v;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return { stop: () => { clearInterval(timer); sample(); return peaks; } };
}
