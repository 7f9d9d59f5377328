// Sync one project: scan (walk + lstat, compare with stored rows, hash new files when some went) → plan (sync-plan.ts:
// deletions, moves, the circuit breaker; pure) → apply (index in time-sliced transactions).
//
// Why nothing is missed in any scan type: every scan stats every file and compares (size, mtime, ctime, inode)
// with the stored row. A copy with an old mtime (cp -p, rsync -a, touch -d) still gets a fresh ctime (and a new
// inode when it replaces a file); a rename is "stored path not seen" + "new path"; deletions are simply stored
// rows the walk did not see. mtime/ctime are kept with sub-millisecond precision, and a file whose timestamps
// are within RACY_MS of the scan is stored as "unverified" so the next scan re-hashes it (git's racy-clean rule):
// an edit in the same clock tick as the scan, with the same size, cannot hide.
//
// Why nothing outside the project is ever read: folders are listed and files opened through confined-fs
// ScanRoot, which proves each opened fd is the very path the walk found (a folder swapped for a symlink
// meanwhile is refused, as a sync error, before a byte is read).
import fs from 'node:fs';
import { PathError, type FileProblem, type SkippedFile } from '../engine-types.ts';
import type { ScanType } from './run-vocabulary.ts';
import { SF, type FileStat, type IndexStore, type StoredFile } from '../index/store.ts';
import { ScanRoot } from '../fs/confined-fs.ts';
import { isMarkdown } from '../notes/content-type.ts';
import { folderWarnings } from '../fs/portable-name.ts';
import { hashFileStreamed, pool, readSmall, sha256, SMALL_FILE_MAX } from './checksum.ts';
import { loadIgnoreRules, type IgnoreRules } from './ignore-rules.ts';
import { indexFile } from './index-file.ts';
import { breakerTrips, plan, vanishedPaths, type Candidate, type IndexState, type ScanFindings } from './sync-plan.ts';

const RACY_MS = 2000;
export const MAX_MARKDOWN_PARSE = 32 * 1024 * 1024;
export const SLICE_MS = 250; // longest a batch blocks the event loop before committing and yielding
const BIG_CONCURRENCY = 4;

export interface SyncHooks {
  /** test hook: throw to simulate a file that fails to index */
  beforeIndexFile?: (rel: string) => void;
  /** test hook: called after each committed batch */
  afterBatch?: (done: number, total: number) => void;
}

export interface ProjectRef { id: number; name: string; root: string; lastFileCount: number | null }

/** Report lists (paths, checksums) are capped; counts stay exact. A 100k-file initial sync needs no 100k-path report. */
const REPORT_MAX = 10000;

export interface ProjectSyncResult {
  scanType: ScanType;
  newCount: number;
  modifiedCount: number;
  truncated: boolean;
  filesScanned: number;
  scanMs: number;
  applyMs: number;
  new: string[];
  modified: string[];
  deleted: string[];
  moves: Record<string, string>;
  checksums: Record<string, string>;
  skipped: SkippedFile[];
  errors: FileProblem[];
  warnings: FileProblem[];
}

const now = () => performance.now();
const tick = () => new Promise<void>((r) => setImmediate(r));

function sameStat(row: StoredFile, st: FileStat): boolean {
  return row[SF.size] === st.size && row[SF.mtime] === st.mtimeMs && row[SF.ctime] === st.ctimeMs && row[SF.ino] === st.ino;
}

/** Stat to store: a file touched within RACY_MS of the scan start is stored unverified (ctime -1) → re-hashed next scan. */
function storedStat(st: FileStat, scanStartWall: number, racyMs: number): FileStat {
  return scanStartWall - Math.max(st.mtimeMs, st.ctimeMs) < racyMs ? { ...st, ctimeMs: -1 } : st;
}

// A file error in plain words and without the server's absolute path (it reaches the person's run report).
const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied: the file cannot be read', EPERM: 'operation not permitted on this file',
  EIO: 'input/output error while reading the file', EISDIR: 'a folder where a file was expected',
  ENAMETOOLONG: 'the name is too long for this file system', ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files on the server (retried on the next sync)', ENOMEM: 'out of memory while reading the file',
};
function errMsg(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && FILE_ERRORS[code]) return `${FILE_ERRORS[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

interface WalkResult extends ScanFindings { errors: FileProblem[]; warnings: FileProblem[] }

async function walk(scan: ScanRoot, rules: IgnoreRules, stored: Map<string, StoredFile>, force: boolean): Promise<WalkResult> {
  const candidates: Candidate[] = [];
  const unreadableDirs: string[] = [];
  const errors: FileProblem[] = [];
  const warnings: FileProblem[] = [];
  let filesScanned = 0;
  const stack: string[] = [''];
  let last = now();
  while (stack.length) {
    const relDir = stack.pop()!;
    const firstCandidate = candidates.length;
    const freshDirs: string[] = [];
    let entries: fs.Dirent[];
    try {
      // listed through the folder's proven fd (a folder swapped for a link is refused, never listed); entries are
      // stat'ed by path: a stat through /proc/self/fd costs ~2.5 µs more per file, and a stat is metadata only —
      // what is read is proven at the open
      entries = scan.withDir(relDir, (listed) => {
        for (const ent of listed) {
          const name = ent.name;
          const rel = relDir ? `${relDir}/${name}` : name;
          let isDir = ent.isDirectory();
          let isFile = ent.isFile();
          if (!isDir && !isFile && !ent.isSymbolicLink()) {
            // DT_UNKNOWN on some filesystems: ask lstat (symlinks are never followed: they could lead outside the project)
            const s = fs.lstatSync(scan.abs(rel), { throwIfNoEntry: false });
            isDir = !!s?.isDirectory();
            isFile = !!s?.isFile();
          }
          if (isDir) { if (!rules.ignoresDir(rel, name)) { stack.push(rel); if (!stored.size) freshDirs.push(name); } continue; }
          if (!isFile || rules.ignoresFile(rel, name)) continue;
          const s = fs.lstatSync(scan.abs(rel), { throwIfNoEntry: false });
          if (!s || !s.isFile()) continue;
          filesScanned++;
          const row = stored.get(rel);
          const c: Candidate = { rel, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, birthtimeMs: s.birthtimeMs, row };
          if (row) {
            row[SF.seen] = true;
            if (!force && sameStat(row, c)) continue;
          }
          candidates.push(c);
        }
        return listed;
      });
    } catch (e) {
      if (relDir === '') throw e;
      unreadableDirs.push(`${relDir}/`);
      errors.push({ path: relDir, message: `cannot read directory: ${errMsg(e)}` });
      continue;
    }
    // names that will not travel (portable-name.ts) are reported, not refused: only for new or changed files
    // (and folders on a first scan), so one problem is one warning, not one per scan
    if (candidates.length > firstCandidate || freshDirs.length) {
      const fresh = new Set([...candidates.slice(firstCandidate).map((c) => c.rel.slice(relDir ? relDir.length + 1 : 0)), ...freshDirs]);
      const names = entries.filter((e) => !(e.isDirectory() ? rules.ignoresDir : rules.ignoresFile)(relDir ? `${relDir}/${e.name}` : e.name, e.name)).map((e) => e.name);
      warnings.push(...folderWarnings(relDir, names, (n) => fresh.has(n)));
    }
    if (now() - last > SLICE_MS) { await tick(); last = now(); }
  }
  return { filesScanned, candidates, unreadableDirs, errors, warnings };
}

/** Checksum of root/rel, read through a proven fd (confined-fs ScanRoot). */
async function checksumOf(scan: ScanRoot, rel: string, size: number): Promise<string> {
  if (size <= SMALL_FILE_MAX) {
    const fd = scan.openFile(rel);
    try {
      const buf = readSmall(fd);
      if (buf) return sha256(buf);
    } finally { fs.closeSync(fd); }
  }
  const fh = await scan.openFileAsync(rel);
  try { return await hashFileStreamed(fh); } finally { await fh.close(); }
}

/** Bytes of root/rel through a proven fd: the shared small buffer, or the whole file when bigger. */
function readScanned(scan: ScanRoot, rel: string, size: number): Uint8Array {
  const fd = scan.openFile(rel);
  try {
    return (size <= SMALL_FILE_MAX ? readSmall(fd) : null) ?? fs.readFileSync(fd); // markdown between 1 MiB and 32 MiB, or a file that grew
  } finally { fs.closeSync(fd); }
}

/**
 * The scan: walk the project, and when some stored file is gone, hash the new files (not those the circuit breaker
 * skips) so the plan can tell a move from a delete plus a new file.
 */
async function scanProject(scan: ScanRoot, rules: IgnoreRules, index: IndexState, force: boolean): Promise<WalkResult> {
  const w = await walk(scan, rules, index.stored, force);
  if (vanishedPaths(index.stored, w.unreadableDirs).length) {
    const failed = new Map(index.failures.map((f) => [f.path, f]));
    const fresh = w.candidates.filter((c) => !c.row && !breakerTrips(c, failed.get(c.rel)));
    await pool(fresh, BIG_CONCURRENCY, async (c) => {
      try { c.checksum = await checksumOf(scan, c.rel, c.size); } catch { /* vanished or refused: found again (and reported) when indexed */ }
    });
  }
  return w;
}

/**
 * dryRun = the read-only scan behind POST /{project}/project/status: same detection, nothing written.
 */
export async function syncProject(store: IndexStore, project: ProjectRef,
  opts: { force: boolean; dryRun: boolean; hooks?: SyncHooks; racyWindowMs?: number }): Promise<ProjectSyncResult> {
  const t0 = now();
  const racyMs = opts.racyWindowMs ?? RACY_MS;
  const scanStartWall = Date.now();
  const scan = new ScanRoot(project.root); // refuses a missing project folder, or one that is a symlink
  const rules = loadIgnoreRules(project.root);
  const index: IndexState = { stored: store.storedFiles(project.id), failures: store.failures(project.id, 1), lastFileCount: project.lastFileCount };
  const w = await scanProject(scan, rules, index, opts.force);
  const { scanType, deleted, moves, toIndex: candidates, skipped, failed } = plan(w, index, { force: opts.force });
  const stored = index.stored;
  const movedFrom = new Set(Object.keys(moves));
  const errors = w.errors;
  const warnings: FileProblem[] = w.warnings;

  const result: ProjectSyncResult = { scanType, newCount: 0, modifiedCount: 0, truncated: false, filesScanned: w.filesScanned, scanMs: 0,
    applyMs: 0, new: [], modified: [], deleted, moves, checksums: {}, skipped, errors, warnings };
  const report = (kind: 'new' | 'modified', rel: string, sum: string) => {
    if (kind === 'new') result.newCount++; else result.modifiedCount++;
    if (result.new.length + result.modified.length >= REPORT_MAX) { result.truncated = true; return; }
    result[kind].push(rel);
    result.checksums[rel] = sum;
  };
  if (opts.dryRun) {
    for (const c of candidates) {
      if (c.movedFrom) continue;
      try {
        const sum = c.checksum ?? await checksumOf(scan, c.rel, c.size);
        if (!c.row) report('new', c.rel, sum); else if (sum !== c.row[SF.checksum]) report('modified', c.rel, sum);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') errors.push({ path: c.rel, message: errMsg(e) }); // vanished during the scan: not a problem
      }
    }
    result.scanMs = now() - t0;
    return result;
  }
  const tApply = now();
  result.scanMs = tApply - t0;

  // 1. deletions first, so the permalinks they free are available to new files. A moved file keeps its entity
  //    (id, permalink, incoming relations) and is re-indexed at its new path below (its title may come from the name).
  if (deleted.length) store.tx(() => { for (const rel of deleted) store.deleteEntity(stored.get(rel)![SF.id]); });
  const rest = candidates;

  // 2. new and changed files: small ones in time-sliced transactions, big binaries streamed outside transactions
  const small: Candidate[] = [];
  const big: Candidate[] = [];
  for (const c of rest) (c.size > SMALL_FILE_MAX && !(isMarkdown(c.rel) && c.size <= MAX_MARKDOWN_PARSE) ? big : small).push(c);
  const total = rest.length;
  let done = 0;

  const applyOne = (c: Candidate, checksum: string, bytes: Uint8Array | null, onWrite?: () => void) => {
    const st = storedStat(c, scanStartWall, racyMs);
    if (!(c.row && !c.movedFrom && c.row[SF.checksum] === checksum)) opts.hooks?.beforeIndexFile?.(c.rel);
    onWrite?.();
    // same bytes at the same path: only the stat is refreshed (a touch is not a modification)
    if (c.row && !c.movedFrom && c.row[SF.checksum] === checksum) { store.updateStat(c.row[SF.id], st); return; }
    const r = indexFile(store, { projectId: project.id, rel: c.rel, stat: st, checksum, bytes: isMarkdown(c.rel) ? bytes : null, existingId: c.row ? c.row[SF.id] : null });
    for (const m of r.warnings) warnings.push({ path: c.rel, message: m });
    if (c.movedFrom) return;
    report(c.row ? 'modified' : 'new', c.rel, checksum);
  };
  const fail = (c: Candidate, e: unknown) => {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return; // vanished since the walk: the next scan sees it gone
    errors.push({ path: c.rel, message: errMsg(e) });
    // refused because the way changed under the scan (a link swapped in): not the file's fault, so it does not
    // count towards the circuit breaker; the next scan reads it if the way is a real folder again
    if (e instanceof PathError) return;
    store.recordFailure(project.id, c.rel, errMsg(e), c, new Date().toISOString());
  };
  const succeeded = (c: Candidate) => { if (failed.has(c.rel)) store.clearFailure(project.id, c.rel); };

  // No savepoint per file: FTS5 flushes its pending index at every savepoint, which made them cost more than the
  // inserts. Reads, hashing, parsing and the test hook happen before any write of a file; only a failing *write*
  // (rare) rolls the slice back, and the slice is then redone with a savepoint per file.
  let writing = false;
  const runSlice = (from: number, perFileSavepoints: boolean): number => {
    const sliceStart = now();
    let j = from;
    while (j < small.length && (j === from || now() - sliceStart < SLICE_MS)) {
      const c = small[j++]!;
      if (perFileSavepoints) store.db.exec('SAVEPOINT f');
      try {
        const bytes = readScanned(scan, c.rel, c.size);
        applyOne(c, sha256(bytes), bytes, () => { writing = true; });
        writing = false;
        if (perFileSavepoints) { store.flushSearch(); store.db.exec('RELEASE f'); }
        succeeded(c);
      } catch (e) {
        if (perFileSavepoints) { store.flushSearch(); store.db.exec('ROLLBACK TO f'); store.db.exec('RELEASE f'); } else if (writing) { writing = false; throw e; }
        fail(c, e);
      }
    }
    return j;
  };
  let i = 0;
  while (i < small.length) {
    let next: number;
    const mark = { new: result.new.length, modified: result.modified.length, warnings: warnings.length, errors: errors.length,
      newCount: result.newCount, modifiedCount: result.modifiedCount };
    store.begin();
    try {
      next = runSlice(i, false);
      store.commit();
    } catch {
      store.rollback();
      // undo what the rolled-back slice reported, then redo it with a savepoint per file
      for (const p of [...result.new.splice(mark.new), ...result.modified.splice(mark.modified)]) delete result.checksums[p];
      warnings.splice(mark.warnings);
      errors.splice(mark.errors);
      result.newCount = mark.newCount;
      result.modifiedCount = mark.modifiedCount;
      store.begin();
      try { next = runSlice(i, true); store.commit(); } catch (e) { store.rollback(); throw e; }
    }
    done += next - i;
    i = next;
    opts.hooks?.afterBatch?.(done, total);
    await tick();
  }
  await pool(big, BIG_CONCURRENCY, async (c) => {
    try {
      const sum = c.checksum ?? await checksumOf(scan, c.rel, Infinity);
      store.tx(() => applyOne(c, sum, null)); // one short transaction, taken after the await
      succeeded(c);
    } catch (e) { store.tx(() => fail(c, e)); }
    done++;
    opts.hooks?.afterBatch?.(done, total);
  });

  // 3. forward references, and the watermark-equivalent (file count) for the scan-type label
  store.tx(() => {
    if (result.newCount || result.modifiedCount || result.deleted.length || movedFrom.size) store.resolveRelations(project.id);
    store.st('projectSynced').run(w.filesScanned, new Date().toISOString(), project.id);
  });
  result.applyMs = now() - tApply;
  return result;
}
