// The collector's store path (recordRuns) with a catch-up page of 500 runs on real Postgres: the page lands
// in ONE insert statement, the stored rows are exactly what drizzle's typed row-by-row VALUES insert stores
// (every column, defaults included), and the page travels as one parameter rather than one per cell (the
// typed builder spent 130–270 ms of CPU on such a page's 15,000 cells, all of it blocking the event loop;
// the time itself is bench:fleet's to judge, as the app's event-loop delay).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from '../../lib/db/client.ts';
import * as schema from '../../lib/db/schema.ts';
import { isChangedRun, recordRuns, type RunInsert } from '../../lib/history/record-runs.ts';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';

const { syncRuns } = schema;
const NOW = new Date();

/** A page as the collector builds it, with the shapes that matter: rebuilds, failures with errors, changes, bare rows. */
function page(tenantId: string, n: number): RunInsert[] {
  return Array.from({ length: n }, (_, i): RunInsert => {
    const startedAt = new Date(NOW.getTime() - (n - i) * 1000);
    if (i % 97 === 0) return { tenantId, runId: `run-${i}`, kind: 'rebuild', trigger: 'startup', status: 'ok', startedAt, durationMs: 900 + i, mode: i % 2 ? 'catch_up' : 'rebuild', filesScanned: 1200 };
    if (i % 53 === 0) return { tenantId, runId: `run-${i}`, kind: 'sync', project: 'bare', trigger: 'schedule', status: 'ok', startedAt, durationMs: 3 }; // defaults everywhere
    return {
      tenantId, runId: `run-${i}`, instanceId: 'inst-1', kind: 'sync', project: `p${i % 3}`, trigger: i % 5 ? 'schedule' : 'api',
      scanType: i % 11 ? 'incremental' : 'full_forced', status: i % 31 ? 'ok' : 'failed', mode: null, startedAt,
      finishedAt: new Date(startedAt.getTime() + 20), durationMs: 5 + (i % 40), scanMs: 3, applyMs: 1, filesScanned: 40 + i,
      newCount: i % 7 ? 0 : 1, modifiedCount: i % 13 ? 0 : 2, deletedCount: 0, movedCount: i % 17 ? 0 : 1, skippedCount: 0,
      errorCount: i % 31 ? 0 : 1, errors: i % 31 ? [] : [{ path: 'x "quoted" é.md', error: 'bad\nyaml' }], skippedFiles: [],
      warnings: i % 19 ? [] : [{ path: 'w.md', warning: 'invalid utf-8' }],
      changes: { new: i % 7 ? [] : [`notes/n${i}.md`], modified: [], deleted: [], moves: i % 17 ? {} : { 'a.md': 'b.md' }, truncated: false },
      peakRssBytes: i % 2 ? 123_456_789 : null,
    };
  });
}

describe('collector page storage (postgres)', () => {
  let h: TestDatabase;
  let client: ReturnType<typeof postgres>;
  let logged: Database;
  const statements: string[] = [];
  const paramCounts: number[] = [];
  before(async () => {
    h = await freshDatabase('postgres');
    client = postgres(h.url!, { max: 2, onnotice: () => {} });
    logged = drizzle(client, { schema, casing: 'snake_case', logger: { logQuery: (q, params) => { statements.push(q); paramCounts.push(params.length); } } }) as unknown as Database;
  });
  after(async () => { await client.end({ timeout: 5 }); await h.close(); });

  test('a 500-run page is one insert with the runs as one parameter, and stores what the typed VALUES insert stores', async (t) => {
    const reference = await createTenantRow(h.db, 'reference');
    const batched = await createTenantRow(h.db, 'batched');
    // Reference: drizzle's typed builder, one VALUES row per run (what the collector did before).
    const refRows = page(reference, 500).map((r) => ({ ...r, changed: isChangedRun(r) }));
    await h.db.insert(syncRuns).values(refRows);

    statements.length = 0;
    paramCounts.length = 0;
    const cpu0 = process.cpuUsage();
    const got = await logged.transaction((tx) => recordRuns(tx, batched, page(batched, 500), { now: NOW, rawNoChangeMs: 86_400_000 }));
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    t.diagnostic(`recordRuns of a 500-run page: ${cpuMs.toFixed(1)} ms of this process's CPU, ${statements.length} statements`);
    assert.deepEqual(got, { stored: 500, counted: 500 });
    const inserts = statements.flatMap((q, i) => (/insert into "?sync_runs"? /i.test(q) ? [i] : []));
    assert.equal(inserts.length, 1, `one insert into sync_runs for the page, got ${inserts.length}`);
    const params = paramCounts[inserts[0]!]!;
    // A fixed handful (the page as jsonb, the columns' defaults) where the builder bound one per cell (~15,000).
    assert.ok(params <= 32, `the page is bound as one parameter, not per cell: the insert had ${params} parameters`);

    const strip = ({ tenantId: _t, collectedAt: _c, ...rest }: typeof syncRuns.$inferSelect) => rest;
    const a = (await h.db.select().from(syncRuns).where(eq(syncRuns.tenantId, reference)).orderBy(asc(syncRuns.runId))).map(strip);
    const b = (await h.db.select().from(syncRuns).where(eq(syncRuns.tenantId, batched)).orderBy(asc(syncRuns.runId))).map(strip);
    assert.equal(b.length, 500);
    assert.deepEqual(b, a);

    // Idempotent: the same page again inserts nothing and counts nothing.
    statements.length = 0;
    assert.deepEqual(await logged.transaction((tx) => recordRuns(tx, batched, page(batched, 500), { now: NOW, rawNoChangeMs: 86_400_000 })), { stored: 0, counted: 0 });
  });
});
