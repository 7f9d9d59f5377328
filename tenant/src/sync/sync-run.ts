// Sync runs: every sync and every start-up rebuild is recorded in the index db (table sync_run, integer seq for
// the collection cursor). Stored reports are capped so a 100k-file initial sync does not store 100k paths.
import crypto from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { SyncReportResponse, SyncRun } from '../engine-types.ts';
import { SyncRunRepository } from '../repositories/sync-run-repository.ts';

const REPORT_CAP = 200;
// A 30 s schedule records ~2,900 runs a day per project; the control plane collects them, so only the newest are kept.
const KEEP_RUNS = 20000;
const PROBLEM_CAP = 500;

/** UUID v7 (RFC 9562): 48-bit ms timestamp + random; sorts by creation time. */
export function uuidv7(): string {
  const b = crypto.randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function capReport(r: SyncReportResponse): SyncReportResponse & { truncated?: boolean } {
  const big = r.new.length > REPORT_CAP || r.modified.length > REPORT_CAP || r.deleted.length > REPORT_CAP || Object.keys(r.moves).length > REPORT_CAP;
  if (!big) return r;
  const keep = new Set([...r.new.slice(0, REPORT_CAP), ...r.modified.slice(0, REPORT_CAP)]);
  return {
    new: r.new.slice(0, REPORT_CAP), modified: r.modified.slice(0, REPORT_CAP), deleted: r.deleted.slice(0, REPORT_CAP),
    moves: Object.fromEntries(Object.entries(r.moves).slice(0, REPORT_CAP)),
    checksums: Object.fromEntries(Object.entries(r.checksums).filter(([p]) => keep.has(p))),
    skipped_files: r.skipped_files, total: r.total, truncated: true,
  };
}

export class SyncRunLog {
  private repo: SyncRunRepository;
  private inserted = 0;
  constructor(db: DatabaseSync) { this.repo = new SyncRunRepository(db); }

  record(run: SyncRun): number {
    const stored: SyncRun = { ...run, errors: run.errors.slice(0, PROBLEM_CAP), warnings: run.warnings?.slice(0, PROBLEM_CAP),
      report: run.report ? capReport(run.report) : undefined };
    const seq = this.repo.insert(stored);
    if (++this.inserted % 100 === 0 && seq > KEEP_RUNS) this.repo.deleteUpTo(seq - KEEP_RUNS);
    return seq;
  }

  list(project: string, limit: number): SyncRun[] {
    return this.repo.newestOfProject(project, Math.max(1, Math.min(limit, 1000)));
  }

  last(project: string): SyncRun | null {
    return this.repo.lastSync(project);
  }

  /** cursor = `${instanceId}.${seq}`; a cursor from another index instance (rebuilt db) starts from the beginning. */
  runsAfter(instanceId: string, cursor: string | null, limit: number): { runs: SyncRun[]; next_cursor: string; instance_id: string } {
    let seq = 0;
    if (cursor) {
      const dot = cursor.lastIndexOf('.');
      const inst = dot > 0 ? cursor.slice(0, dot) : '';
      const n = Number(cursor.slice(dot + 1));
      if (inst === instanceId && Number.isSafeInteger(n) && n >= 0) seq = n;
    }
    const rows = this.repo.runsAfter(seq, Math.max(1, Math.min(limit, 1000)));
    const last = rows.length ? rows[rows.length - 1]!.seq : seq;
    return { runs: rows.map((r) => r.run), next_cursor: `${instanceId}.${last}`, instance_id: instanceId };
  }
}
