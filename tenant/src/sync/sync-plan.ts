// The plan step of a sync (scan → plan → apply): from what the scan found and what the index holds, which rows to
// delete, which files moved, which to (re)index and which the circuit breaker skips. Pure: no file or database
// access, so every decision can be tested on its own; the scan has already read and hashed what is needed.
import type { SkippedFile } from '../engine-types.ts';
import type { ScanType } from './run-vocabulary.ts';
import { SF, type FailureRow, type FileStat, type StoredFile } from '../index/store.ts';
import { selectScanType } from './scan-type.ts';

/** Failures of one file with the same stat after which it is skipped until it changes (the circuit breaker). */
export const MAX_FAILURES = 3;

/** One file to (re)index: its stat inline (one object per file; the initial index of 100k files holds them all). */
export interface Candidate extends FileStat { rel: string; row: StoredFile | undefined; checksum?: string; movedFrom?: string }

/** What a scan found: files changed or new since their stored row (all of them when forced) and folders it could not read. */
export interface ScanFindings {
  filesScanned: number;
  candidates: Candidate[];
  /** `folder/`, each: the stored files under them are not known to be gone. */
  unreadableDirs: string[];
}

/** What the index holds of the project: its stored files (flagged `seen` by the scan), failures and last file count. */
export interface IndexState {
  stored: Map<string, StoredFile>;
  failures: FailureRow[];
  lastFileCount: number | null;
}

export interface SyncPlan {
  scanType: ScanType;
  /** stored paths gone from disk (and not moved): their rows are deleted. */
  deleted: string[];
  /** old path → new path of files that moved (same checksum): they keep their entity. */
  moves: Record<string, string>;
  /** files to (re)index, in scan order; a moved one carries `movedFrom` and its old row. */
  toIndex: Candidate[];
  skipped: SkippedFile[];
  /** paths with a recorded failure (a success clears it). */
  failed: Map<string, FailureRow>;
}

/** Stored paths the scan did not see, except under folders it could not read (unreadable is not deleted). */
export function vanishedPaths(stored: Map<string, StoredFile>, unreadableDirs: string[]): string[] {
  const vanished: string[] = [];
  for (const [rel, row] of stored) {
    if (row[SF.seen]) continue;
    if (unreadableDirs.some((d) => rel.startsWith(d))) continue;
    vanished.push(rel);
  }
  return vanished;
}

/** The circuit breaker: a file that failed MAX_FAILURES times with this very stat is skipped until it changes. */
export function breakerTrips(c: FileStat, f: FailureRow | undefined): f is FailureRow {
  return !!f && f.failure_count >= MAX_FAILURES && f.size === c.size && f.mtime_ms === c.mtimeMs && f.ctime_ms === c.ctimeMs;
}

export function plan(scan: ScanFindings, index: IndexState, opts: { force: boolean }): SyncPlan {
  const scanType = selectScanType({ force: opts.force, lastFileCount: index.lastFileCount, currentCount: scan.filesScanned });
  const vanished = vanishedPaths(index.stored, scan.unreadableDirs);

  const skipped: SkippedFile[] = [];
  const failed = new Map(index.failures.map((f) => [f.path, f]));
  let toIndex = scan.candidates;
  if (failed.size) {
    toIndex = toIndex.filter((c) => {
      const f = failed.get(c.rel);
      if (!breakerTrips(c, f)) return true;
      skipped.push({ path: c.rel, reason: `failed ${f.failure_count} times: ${f.last_error}`, failure_count: f.failure_count, first_failed: f.first_failed });
      return false;
    });
  }

  // Move detection: a new path whose checksum equals a vanished path's checksum is that file, moved.
  const moves: Record<string, string> = {};
  if (vanished.length) {
    const byChecksum = new Map<string, string[]>();
    for (const rel of vanished) {
      const c = index.stored.get(rel)![SF.checksum];
      if (c) { const l = byChecksum.get(c); if (l) l.push(rel); else byChecksum.set(c, [rel]); }
    }
    toIndex = toIndex.map((c) => {
      const from = !c.row && c.checksum ? byChecksum.get(c.checksum) : undefined;
      if (!from?.length) return c;
      const src = from.shift()!;
      moves[src] = c.rel;
      // a moved file keeps its entity (id, permalink, incoming relations) and is re-indexed at its new path
      return { ...c, movedFrom: src, row: index.stored.get(src) };
    });
  }
  const movedFrom = new Set(Object.keys(moves));
  const deleted = vanished.filter((p) => !movedFrom.has(p));
  return { scanType, deleted, moves, toIndex, skipped, failed };
}
