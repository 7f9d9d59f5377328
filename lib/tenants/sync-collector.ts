// The sync-run collector: pulls every running tenant's recorded sync runs and index rebuilds
// (`GET /sync-runs?after=<cursor>`, signed) into Postgres, so history outlives the tenant's index (a cache).
//
// - One cursor per tenant (tenant_sync_cursors). The tenant's cursor is `<instance_id>.<seq>`; an index
//   that was wiped and rebuilt has a new instance id and serves from the beginning again. Each page is
//   stored in one transaction that first advances the cursor by compare-and-set (it must still hold the
//   value this collector read), so a page is taken once even when two instances collect the same tenant;
//   raw inserts are also `ON CONFLICT (tenant_id, run_id) DO NOTHING`. Runs are stored and counted in the
//   hourly roll-ups by lib/history/record-runs.ts (counted exactly once, when first stored).
// - Every SYNC_COLLECTOR_INTERVAL_MS (≤ 10 s) a round visits each reachable tenant; start times are
//   spread over the first half of the interval in an order given by a hash of the tenant id (staggered),
//   at most SYNC_COLLECTOR_CONCURRENCY at a time. A run therefore lands within ~interval + request time.
// - Several app instances may collect the same tenant: harmless (idempotent) but wasteful, so by default
//   an instance collects only tenants whose supervision lease it holds (`onlyHeldBy`).
import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { DEFAULT_HISTORY_CONFIG } from '../config/history.ts';
import type { Database } from '../db/client.ts';
import { listReachableTenants, listTenantIds } from '../db/queries/tenants-runtime.ts';
import { syncRuns, tenantSyncCursors } from '../db/schema.ts';
import { isChangedRun, recordRuns, rollupScanType, type RunInsert } from '../history/record-runs.ts';
import { recordCollectedRuns } from '../metrics/registry.ts';
import { signedTenantFetch } from './tenant-call.ts';
import { oneOf, REBUILD_MODES, RUN_STATUSES, RUN_TRIGGERS, SCAN_TYPES, UNKNOWN } from '../../tenant/src/sync/run-vocabulary.ts';

interface TenantRunRecord {
  id: string;
  kind: string;
  project: string | null;
  trigger: string;
  scan_type: string | null;
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number;
  scan_ms?: number;
  apply_ms?: number;
  files_scanned?: number;
  new?: number;
  modified?: number;
  deleted?: number;
  moved?: number;
  skipped?: number;
  errors?: unknown[];
  skipped_files?: unknown[];
  warnings?: unknown[];
  report?: { new?: unknown; modified?: unknown; deleted?: unknown; moves?: unknown; truncated?: unknown };
  peak_rss_bytes?: number;
  mode?: string | null;
}

export interface CollectorOptions {
  db: Database;
  authSecret: string;
  intervalMs: number;
  concurrency: number;
  /** Collect only tenants whose lease this holder has (null = every reachable tenant). */
  onlyHeldBy?: string | null;
  pageSize?: number;
  maxPagesPerRound?: number;
  requestTimeoutMs?: number;
  /** HISTORY_RAW_NO_CHANGE_HOURS in ms (no-change runs older than this on arrival are counted, not stored raw). */
  rawNoChangeMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export interface CollectResult { tenantId: string; inserted: number; fetched: number; error?: string }

/** Another collector advanced this tenant's cursor first: its page is theirs. */
class CursorMoved extends Error {}

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : 0);

function toRow(tenantId: string, instanceId: string, r: TenantRunRecord): typeof syncRuns.$inferInsert {
  const errors = Array.isArray(r.errors) ? r.errors : [];
  const row: typeof syncRuns.$inferInsert = {
    tenantId, runId: String(r.id), instanceId, kind: r.kind === 'rebuild' ? 'rebuild' : 'sync',
    project: r.project ?? null, trigger: oneOf(RUN_TRIGGERS, r.trigger, UNKNOWN), scanType: oneOf(SCAN_TYPES, r.scan_type, null),
    status: oneOf(RUN_STATUSES, r.status, UNKNOWN), mode: oneOf(REBUILD_MODES, r.mode, null),
    startedAt: new Date(r.started_at), finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    durationMs: n(r.duration_ms), scanMs: n(r.scan_ms), applyMs: n(r.apply_ms), filesScanned: n(r.files_scanned),
    newCount: n(r.new), modifiedCount: n(r.modified), deletedCount: n(r.deleted), movedCount: n(r.moved),
    skippedCount: n(r.skipped), errorCount: errors.length,
    // Bounded: a pathological run with 100k errors must not make a 100 MB row.
    errors: errors.slice(0, 200), skippedFiles: Array.isArray(r.skipped_files) ? r.skipped_files.slice(0, 200) : [],
    warnings: Array.isArray(r.warnings) ? r.warnings.slice(0, 200) : [],
    changes: changesOf(r.report),
    peakRssBytes: r.peak_rss_bytes != null ? n(r.peak_rss_bytes) : null,
  };
  row.changed = isChangedRun(row);
  return row;
}

const paths = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 200) : []);
/** The run's changed paths (the tenant caps each list at 200 and says `truncated`). */
function changesOf(report: TenantRunRecord['report']): Record<string, unknown> | null {
  if (!report || typeof report !== 'object') return null;
  const moves = report.moves && typeof report.moves === 'object' ? Object.entries(report.moves as Record<string, unknown>).slice(0, 200) : [];
  return {
    new: paths(report.new), modified: paths(report.modified), deleted: paths(report.deleted),
    moves: Object.fromEntries(moves.filter(([, v]) => typeof v === 'string')), truncated: report.truncated === true,
  };
}

/** Stable position of a tenant within a round (0 ≤ x < 1). */
function staggerFraction(tenantId: string): number {
  return createHash('sha256').update(tenantId).digest().readUInt32BE(0) / 2 ** 32;
}

export class SyncCollector {
  private o: CollectorOptions;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private inFlight = new Map<string, Promise<CollectResult>>();
  private round: Promise<unknown> | null = null;

  constructor(o: CollectorOptions) {
    this.o = o;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const loop = () => {
      if (this.stopped) return;
      const started = Date.now();
      this.round = this.collectRound().catch((err) => this.o.log?.('error', 'collector round failed', { error: String(err?.message ?? err) }))
        .finally(() => {
          this.round = null;
          if (!this.stopped) this.timer = setTimeout(loop, Math.max(0, this.o.intervalMs - (Date.now() - started)));
        });
    };
    this.timer = setTimeout(loop, Math.min(1000, this.o.intervalMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
    await Promise.allSettled(this.inFlight.values());
  }

  /** One round over every reachable tenant: staggered starts, bounded concurrency. */
  async collectRound(opts: { stagger?: boolean } = {}): Promise<CollectResult[]> {
    let targets = await listReachableTenants(this.o.db);
    if (this.o.onlyHeldBy) {
      const held = new Set(await listTenantIds(this.o.db, { heldBy: this.o.onlyHeldBy }));
      targets = targets.filter((t) => held.has(t.tenantId));
    }
    targets.sort((a, b) => staggerFraction(a.tenantId) - staggerFraction(b.tenantId));
    const spread = opts.stagger === false ? 0 : this.o.intervalMs / 2;
    const roundStart = Date.now();
    const results: CollectResult[] = [];
    let next = 0;
    const worker = async () => {
      while (!this.stopped && next < targets.length) {
        const t = targets[next++]!;
        const at = roundStart + staggerFraction(t.tenantId) * spread;
        const wait = at - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        results.push(await this.collectTenant(t.tenantId, t.baseUrl));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, targets.length) }, worker));
    return results;
  }

  /** Pulls everything new from one tenant (coalesces concurrent calls for the same tenant). */
  collectTenant(tenantId: string, baseUrl: string): Promise<CollectResult> {
    const existing = this.inFlight.get(tenantId);
    if (existing) return existing;
    const p = this.collectTenantOnce(tenantId, baseUrl).finally(() => this.inFlight.delete(tenantId));
    this.inFlight.set(tenantId, p);
    return p;
  }

  private async collectTenantOnce(tenantId: string, baseUrl: string): Promise<CollectResult> {
    const { db } = this.o;
    const pageSize = this.o.pageSize ?? 500;
    const now = this.o.now ?? (() => new Date());
    const [cur] = await db.select().from(tenantSyncCursors).where(eq(tenantSyncCursors.tenantId, tenantId)).limit(1);
    let cursor = cur?.cursor ?? null;
    let hasRow = !!cur;
    let inserted = 0;
    let fetched = 0;
    try {
      for (let page = 0; page < (this.o.maxPagesPerRound ?? 20); page++) {
        const pathAndQuery = `/sync-runs?limit=${pageSize}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`;
        const res = await signedTenantFetch(baseUrl, { authSecret: this.o.authSecret, tenantId }, 'GET', pathAndQuery, {
          // Marked as background: the collector's polling does not keep a tenant awake.
          headers: { 'x-bm-background': 'collector' }, timeoutMs: this.o.requestTimeoutMs,
        });
        if (!res.ok) {
          await res.body?.cancel();
          throw new Error(`GET /sync-runs answered ${res.status}`);
        }
        const body = (await res.json()) as { runs?: TenantRunRecord[]; next_cursor?: string; instance_id?: string };
        const runs = Array.isArray(body.runs) ? body.runs.filter((r) => r && r.id && r.started_at) : [];
        const instanceId = String(body.instance_id ?? '');
        fetched += runs.length;
        const nextCursor = body.next_cursor ?? cursor;
        const at = now();
        let countedRows: RunInsert[] = [];
        await db.transaction(async (tx) => {
          const set = { cursor: nextCursor, instanceId, lastCollectedAt: at, lastError: null, updatedAt: at };
          if (hasRow) {
            const moved = await tx.update(tenantSyncCursors).set(set)
              .where(and(eq(tenantSyncCursors.tenantId, tenantId), cursor === null ? isNull(tenantSyncCursors.cursor) : eq(tenantSyncCursors.cursor, cursor)))
              .returning({ t: tenantSyncCursors.tenantId });
            if (!moved.length) throw new CursorMoved();
          } else {
            const made = await tx.insert(tenantSyncCursors).values({ tenantId, ...set }).onConflictDoNothing().returning({ t: tenantSyncCursors.tenantId });
            if (!made.length) throw new CursorMoved();
          }
          if (runs.length) {
            const rows = runs.map((x) => toRow(tenantId, instanceId, x));
            const r = await recordRuns(tx, tenantId, rows, { now: at, rawNoChangeMs: this.o.rawNoChangeMs ?? DEFAULT_HISTORY_CONFIG.rawNoChangeMs, onCounted: (c) => { countedRows = c; } });
            inserted += r.counted;
            const rebuild = rows.filter((x) => x.kind === 'rebuild').sort((a, b) => +new Date(b.startedAt) - +new Date(a.startedAt))[0];
            if (rebuild) {
              const startedAt = new Date(rebuild.startedAt);
              await tx.update(tenantSyncCursors).set({ lastRebuildAt: startedAt, lastRebuildMs: rebuild.durationMs, lastRebuildFiles: rebuild.filesScanned ?? 0 })
                .where(and(eq(tenantSyncCursors.tenantId, tenantId), or(isNull(tenantSyncCursors.lastRebuildAt), lt(tenantSyncCursors.lastRebuildAt, startedAt))));
            }
          }
        });
        hasRow = true;
        if (countedRows.length) {
          recordCollectedRuns(countedRows.map((r) => ({ scanType: rollupScanType(r), failed: r.status !== 'ok', rebuildMs: r.kind === 'rebuild' ? r.durationMs : undefined })));
        }
        const advanced = body.next_cursor && body.next_cursor !== cursor;
        cursor = nextCursor;
        if (runs.length < pageSize || !advanced) break;
        // A catch-up of many pages lets requests and other tenants' pages run between its pages.
        await new Promise((r) => setImmediate(r));
      }
      if (inserted) this.o.log?.('info', 'collected sync runs', { tenantId, inserted });
      return { tenantId, inserted, fetched };
    } catch (err) {
      if (err instanceof CursorMoved) return { tenantId, inserted, fetched };
      const msg = String((err as Error)?.message ?? err).slice(0, 500);
      await db.update(tenantSyncCursors).set({ lastError: msg, updatedAt: new Date() })
        .where(and(eq(tenantSyncCursors.tenantId, tenantId))).catch(() => {});
      return { tenantId, inserted, fetched, error: msg };
    }
  }
}
