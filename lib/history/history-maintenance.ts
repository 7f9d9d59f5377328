// Retention of the sync history, in bounded batches. Any app instance may run it: each batch is one
// short transaction that first takes a transaction-scoped advisory lock, so only one instance works at
// a time and nothing is held between batches (a crash leaves nothing behind).
//
// Nothing is folded here: runs were counted into the hourly roll-ups when they were collected
// (lib/history/record-runs.ts), so deleting a raw row never changes a count, and a row is never
// deleted before its raw retention ends (no-change syncs: HISTORY_RAW_NO_CHANGE_HOURS; runs that changed,
// skipped or failed something and rebuilds: HISTORY_RAW_CHANGED_DAYS; roll-ups: HISTORY_ROLLUP_DAYS). The same pass
// keeps the MCP call records (hourly roll-ups: MCP_CALL_ROLLUP_DAYS; the client that last changed a note:
// MCP_NOTE_CHANGE_DAYS) when given their retention.
import { sql } from 'drizzle-orm';
import type { HistoryConfig } from '../config/history.ts';
import type { Database } from '../db/client.ts';
import { rowsOf } from '../db/queryable.ts';

/** Advisory lock key of the history maintenance job (arbitrary constant, "bmc hist"). */
export const HISTORY_LOCK_KEY = 0x626d6368;

export interface MaintenanceResult {
  noChangeDeleted: number; changedDeleted: number; rollupsDeleted: number; mcpRollupsDeleted: number; mcpNoteChangesDeleted: number; skipped: boolean;
}

type Retention = Pick<HistoryConfig, 'rawChangedMs' | 'rawNoChangeMs' | 'rollupMs' | 'maintenanceBatch'>
  & { mcpCallRollupMs?: number; mcpNoteChangeMs?: number };

async function deleteBatch(db: Database, stmt: (limit: number) => ReturnType<typeof sql>, limit: number): Promise<number | null> {
  return db.transaction(async (tx) => {
    const got = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${HISTORY_LOCK_KEY}) as ok`))[0];
    if (!got?.ok) return null;
    return rowsOf(await tx.execute(stmt(limit))).length;
  });
}

/** One maintenance pass: deletes in batches until nothing is past retention (or `maxBatches` per kind). */
export async function runHistoryMaintenance(db: Database, r: Retention, opts: { now?: Date; maxBatches?: number } = {}): Promise<MaintenanceResult> {
  const now = opts.now ?? new Date();
  const maxBatches = opts.maxBatches ?? 200;
  const res: MaintenanceResult = { noChangeDeleted: 0, changedDeleted: 0, rollupsDeleted: 0, mcpRollupsDeleted: 0, mcpNoteChangesDeleted: 0, skipped: false };
  const noChangeBefore = new Date(now.getTime() - r.rawNoChangeMs).toISOString();
  const changedBefore = new Date(now.getTime() - r.rawChangedMs).toISOString();
  const rollupBefore = new Date(now.getTime() - r.rollupMs).toISOString();
  const jobs: Array<[keyof Omit<MaintenanceResult, 'skipped'>, (limit: number) => ReturnType<typeof sql>]> = [
    ['noChangeDeleted', (limit) => sql`delete from sync_runs where ctid = any(array(
        select ctid from sync_runs where not changed and started_at < ${noChangeBefore}::timestamptz limit ${limit})) returning 1`],
    ['changedDeleted', (limit) => sql`delete from sync_runs where ctid = any(array(
        select ctid from sync_runs where started_at < ${changedBefore}::timestamptz limit ${limit})) returning 1`],
    ['rollupsDeleted', (limit) => sql`with a as (
        delete from sync_run_rollups where ctid = any(array(select ctid from sync_run_rollups where hour < ${rollupBefore}::timestamptz limit ${limit})) returning 1),
      b as (delete from sync_fleet_rollups where hour < ${rollupBefore}::timestamptz returning 1)
      select 1 from a union all select 1 from b`],
  ];
  if (r.mcpCallRollupMs) {
    const before = new Date(now.getTime() - r.mcpCallRollupMs).toISOString();
    jobs.push(['mcpRollupsDeleted', (limit) => sql`delete from mcp_call_rollups where ctid = any(array(
        select ctid from mcp_call_rollups where hour < ${before}::timestamptz limit ${limit})) returning 1`]);
  }
  if (r.mcpNoteChangeMs) {
    const before = new Date(now.getTime() - r.mcpNoteChangeMs).toISOString();
    jobs.push(['mcpNoteChangesDeleted', (limit) => sql`delete from mcp_note_changes where ctid = any(array(
        select ctid from mcp_note_changes where changed_at < ${before}::timestamptz limit ${limit})) returning 1`]);
  }
  for (const [key, stmt] of jobs) {
    for (let i = 0; i < maxBatches; i++) {
      const n = await deleteBatch(db, stmt, r.maintenanceBatch);
      if (n === null) return { ...res, skipped: true };
      res[key] += n;
      if (n < r.maintenanceBatch) break;
    }
  }
  return res;
}

/** Runs the maintenance pass every `intervalMs` until stopped. */
export class HistoryMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private o: { db: Database; retention: Retention; intervalMs: number; log?: (level: 'info' | 'error', msg: string, fields?: Record<string, unknown>) => void };
  constructor(o: HistoryMaintenance['o']) {
    this.o = o;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const loop = () => {
      if (this.stopped) return;
      this.running = runHistoryMaintenance(this.o.db, this.o.retention)
        .then((r) => { if (r.noChangeDeleted + r.changedDeleted + r.rollupsDeleted + r.mcpRollupsDeleted + r.mcpNoteChangesDeleted) this.o.log?.('info', 'history retention', { ...r }); })
        .catch((err) => this.o.log?.('error', 'history maintenance failed', { error: String(err?.message ?? err) }))
        .finally(() => { this.running = null; if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs); });
    };
    this.timer = setTimeout(loop, Math.min(10_000, this.o.intervalMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
