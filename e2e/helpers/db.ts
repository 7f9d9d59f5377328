// Direct reads of the e2e server's Postgres, when it has one (DATABASE_URL set for the runner, which
// playwright.config.ts passes to the server). With PGlite (one process per data dir) there is no
// outside access: callers fall back to what the app shows — outside CI only: with CI=true a missing
// Postgres is an error, so those checks can never silently fall away there.
//
//   const db = await e2eDb();            // null without DATABASE_URL or when the server runs PGlite
//   if (db) try { await db.usersByEmail(email) } finally { await db.close() }
import postgres from 'postgres';
import { APP_URL } from './env.ts';

export interface E2eDb {
  usersByEmail(email: string): Promise<number>;
  /** `trigger:scan_type` of the collected sync runs of one project, newest first. */
  syncRuns(tenantId: string, project: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function e2eDb(): Promise<E2eDb | null> {
  const url = process.env.DATABASE_URL;
  // CI always gives the server a fresh Postgres (.ci/run): there the direct checks must run, never fall away.
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (!url) {
    if (ci) throw new Error('CI without DATABASE_URL: the journeys\' direct database checks would be skipped');
    return null;
  }
  // A reused server may run PGlite although the runner has DATABASE_URL: then there is nothing to read.
  const health = await (await fetch(`${APP_URL}/api/health`)).json() as { database?: { kind?: string } };
  if (health.database?.kind !== 'postgres') {
    if (ci) throw new Error(`CI e2e server runs ${health.database?.kind ?? 'an unknown database'}, not the Postgres of DATABASE_URL`);
    return null;
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  return {
    async usersByEmail(email) {
      const rows = await sql<{ n: number }[]>`select count(*)::int as n from users where lower(email) = lower(${email})`;
      return rows[0]!.n;
    },
    async syncRuns(tenantId, project) {
      const rows = await sql<{ trigger: string; scan_type: string }[]>`
        select trigger, scan_type from sync_runs where tenant_id = ${tenantId} and project = ${project} order by started_at desc`;
      return rows.map((r) => `${r.trigger}:${r.scan_type}`);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
