// Seeds a small fleet straight into the e2e server's Postgres for the ops journeys: tenants in every
// state ops cares about, with projects' sync history stored and counted through the history store's own
// write path (recordRuns). Each seeded tenant's supervision lease is held by another (fictitious)
// instance, so the e2e server's supervisor leaves their states alone — as when another instance
// supervises them. Needs the server on Postgres (DATABASE_URL): with PGlite nothing outside can write.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../lib/db/client.ts';
import { memberships, tenantEndpoints, tenantLeases, tenants, tenantSyncCursors, users } from '../../lib/db/schema.ts';
import { addMcpCalls, hourOf } from '../../lib/db/queries/mcp-calls.ts';
import { recordRuns, type RunInsert } from '../../lib/history/record-runs.ts';
import { APP_URL } from './env.ts';

type SeededKind = 'running' | 'stopped' | 'failing' | 'crash_looping' | 'not_reporting';
export interface SeededTenant { id: string; email: string; kind: SeededKind }

async function requirePostgresServer(): Promise<string> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('The ops journeys seed a fleet into the e2e server\'s database: run them with DATABASE_URL (a fresh Postgres database).');
  const health = await (await fetch(`${APP_URL}/api/health`)).json() as { database?: { kind?: string } };
  if (health.database?.kind !== 'postgres') throw new Error('The e2e server runs PGlite (a reused server?): the ops journeys need it on Postgres.');
  return url;
}

export interface SeededFleet {
  tenants: SeededTenant[];
  /** As the other instance's collector would: every reporting tenant was heard from just now and its projects synced. */
  report: () => Promise<void>;
  setRole: (email: string, role: 'user' | 'ops' | 'admin') => Promise<void>;
  close: () => Promise<void>;
}

export async function seedOpsFleet(tag: string): Promise<SeededFleet> {
  const url = await requirePostgresServer();
  const h = await openDatabase({ url, max: 2 });
  const now = Date.now();
  const kinds: SeededKind[] = ['running', 'stopped', 'failing', 'crash_looping', 'not_reporting'];
  const out: SeededTenant[] = [];
  for (const kind of kinds) {
    const email = `fleet-${kind.replace('_', '-')}-${tag}@example.test`;
    const [u] = await h.db.insert(users).values({ issuer: 'e2e-seed', subject: randomUUID(), email, emailVerified: true }).returning({ id: users.id });
    const status = kind === 'stopped' ? 'stopped' as const : kind === 'crash_looping' ? 'starting' as const : 'running' as const;
    const [t] = await h.db.insert(tenants).values({ name: `fleet-${kind}-${tag}`, bucketName: `e2e-${kind}-${tag}`, status, desiredState: kind === 'stopped' ? 'stopped' : 'running' })
      .returning({ id: tenants.id });
    const id = t!.id;
    await h.db.insert(memberships).values({ userId: u!.id, tenantId: id, role: 'owner' });
    await h.db.insert(tenantLeases).values({ tenantId: id, holder: 'e2e-other-instance', expiresAt: new Date(now + 6 * 3_600_000) });
    await h.db.insert(tenantEndpoints).values({ tenantId: id, crashCount: kind === 'crash_looping' ? 4 : 0, crashWindowStartedAt: new Date(now - 60_000) });
    await h.db.insert(tenantSyncCursors).values({ tenantId: id, cursor: 'seed.1', lastCollectedAt: new Date(kind === 'not_reporting' ? now - 2 * 3_600_000 : now - 2000) });
    if (kind !== 'stopped') {
      const runs: RunInsert[] = [];
      for (const [p, project] of ['notes', 'work'].entries()) {
        for (let i = 0; i < 20; i++) {
          const at = now - (19 - i) * 5 * 60_000 - 20_000 - p * 1000;
          const failed = kind === 'failing' && i >= 18;
          runs.push({ tenantId: id, runId: `${project}-${i}`, kind: 'sync', project, trigger: 'schedule', scanType: i === 0 ? 'full_initial' : 'incremental',
            status: failed ? 'failed' : 'ok', startedAt: new Date(at), finishedAt: new Date(at + 30 + i), durationMs: 30 + i * 3, filesScanned: 120,
            newCount: i === 0 ? 120 : 0, errorCount: failed ? 1 : 0, errors: failed ? [{ path: 'broken.md', message: 'parse error' }] : [] });
        }
      }
      runs.push({ tenantId: id, runId: 'rebuild-0', kind: 'rebuild', project: null, trigger: 'startup', scanType: null, status: 'ok', mode: 'rebuild',
        startedAt: new Date(now - 110 * 60_000), finishedAt: new Date(now - 110 * 60_000 + 1500), durationMs: 1500, filesScanned: 240 });
      await h.db.transaction((tx) => recordRuns(tx, id, runs, { now: new Date(now), rawNoChangeMs: 24 * 3_600_000 }));
      // The rebuild as the collector notes it on the cursor.
      await h.db.update(tenantSyncCursors).set({ lastRebuildAt: new Date(now - 110 * 60_000), lastRebuildMs: 1500, lastRebuildFiles: 240 }).where(sql`tenant_id = ${id}`);
      // MCP tool calls of the last hour, as /mcp's recorder writes them: 12 searches (2 failed), 3 writes.
      const at = new Date(now - 5 * 60_000);
      const base = { tenantId: id, hour: hourOf(at), grantId: 'e2e-grant', clientId: 'e2e-client', totalMs: 100, lastAt: at };
      await addMcpCalls(h.db, [{ ...base, tool: 'search_notes', outcome: 'ok', calls: 10 }, { ...base, tool: 'search_notes', outcome: 'tool_error', calls: 2 },
        { ...base, tool: 'write_note', outcome: 'ok', calls: 3 }]);
    }
    out.push({ id, email, kind });
  }
  const reporting = out.filter((t) => t.kind !== 'not_reporting').map((t) => t.id);
  const healthy = out.filter((t) => t.kind !== 'not_reporting' && t.kind !== 'failing').map((t) => t.id);
  return {
    tenants: out,
    report: async () => {
      await h.db.execute(sql`update tenant_sync_cursors set last_collected_at = now() where tenant_id in ${sql.raw(`('${reporting.join("','")}')`)}`);
      await h.db.execute(sql`update sync_project_states set last_run_at = now() - interval '10 seconds', last_ok_at = now() - interval '10 seconds'
        where tenant_id in ${sql.raw(`('${healthy.join("','")}')`)}`);
      await h.db.execute(sql`update tenant_endpoints set crash_window_started_at = now() - interval '60 seconds' where crash_count > 0
        and tenant_id in ${sql.raw(`('${out.map((t) => t.id).join("','")}')`)}`);
    },
    setRole: async (email, role) => { await h.db.execute(sql`update users set role = ${role} where lower(email) = lower(${email})`); },
    close: () => h.close(),
  };
}

export async function auditEventsFor(tenantId: string, action: string): Promise<number> {
  const h = await openDatabase({ url: await requirePostgresServer(), max: 1 });
  try {
    const r = await h.db.execute(sql`select count(*)::int as n from audit_events where tenant_id = ${tenantId} and action = ${action}`);
    return Number((Array.isArray(r) ? r : (r as { rows: Array<{ n: number }> }).rows)[0]!.n);
  } finally {
    await h.close();
  }
}
