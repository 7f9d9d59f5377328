// Fixtures for tenant runtime tests: real tenant API processes in temp dirs, real Postgres.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../lib/db/client.ts';
import { tenantEndpoints, tenants } from '../../lib/db/schema.ts';
import { LocalTenantDriver, type LocalDriverOptions } from '../../lib/tenants/local-driver.ts';
import { TenantSupervisor, type Clock, type SupervisorSettings } from '../../lib/tenants/tenant-supervisor.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
export const TENANT_ENTRY = path.join(REPO, 'tenant/src/main.ts');
export const AUTH_SECRET = 'test-auth-secret-0123456789abcdef0123456789';

export function tempRoot(prefix = 'bmc-tenants-'): { dataRoot: string; indexRoot: string; root: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    root,
    dataRoot: path.join(root, 'data'),
    indexRoot: path.join(root, 'index'),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export function makeDriver(dirs: { dataRoot: string; indexRoot: string }, entry = TENANT_ENTRY, extra: Partial<LocalDriverOptions> = {}): LocalTenantDriver {
  return new LocalTenantDriver({
    dataRoot: dirs.dataRoot, indexRoot: dirs.indexRoot, entry, syncIntervalS: 0, startTimeoutMs: 20_000,
    env: { BM_LOG_LEVEL: 'warn' }, ...extra,
  });
}

const fastSettings: SupervisorSettings = {
  leaseTtlMs: 3000,
  tickMs: 100,
  healthIntervalMs: 200,
  healthTimeoutMs: 1000,
  degradedAfterMs: 2000,
  backoffBaseMs: 200,
  backoffMaxMs: 2000,
  maxCrashes: 5,
  crashWindowMs: 60_000,
  maxTenantsPerInstance: 0,
  stopGraceMs: 5000,
};

export function makeSupervisor(db: Database, driver: LocalTenantDriver, o: { holderId?: string; settings?: Partial<SupervisorSettings>; clock?: Clock } = {}): TenantSupervisor {
  return new TenantSupervisor({
    db, driver, authSecret: AUTH_SECRET, holderId: o.holderId, clock: o.clock,
    settings: { ...fastSettings, ...o.settings },
  });
}

export async function createTenantRow(db: Database, name = 'test'): Promise<string> {
  const [t] = await db.insert(tenants).values({ name, bucketName: `bucket-${name}-${Math.random().toString(36).slice(2, 8)}` }).returning({ id: tenants.id });
  return t!.id;
}

export async function tenantState(db: Database, id: string) {
  const [t] = await db.select().from(tenants).where(eq(tenants.id, id));
  const [e] = await db.select().from(tenantEndpoints).where(eq(tenantEndpoints.tenantId, id));
  return { tenant: t!, endpoint: e ?? null };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) { last = err; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String((last as Error).message ?? last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** A tiny real program that crashes at once (exit code 7) — a tenant that cannot start. */
export function crashingEntry(dir: string): string {
  const f = path.join(dir, 'crash.mjs');
  fs.writeFileSync(f, "process.stderr.write('boom: cannot open index\\n'); process.exit(7);\n");
  return f;
}
