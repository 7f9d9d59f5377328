// Per-write note history: before an API, MCP or WebDAV write replaces, moves or deletes a file, its current
// content is kept as a version, with the reason and who wrote. Snapshots see a note hourly; this sees every write.
// Stored beside the tenant's data, never in the person's folder (nothing of it is synced, served as a note or
// snapshotted twice):
//
//   <history dir>/<sha256(key)[0:2]>/<sha256(key)>/<id>.bin    the content as it was
//   <history dir>/<sha256(key)[0:2]>/<sha256(key)>/<id>.json   {id, key, reason, actor, saved_at, size, sha256, moved_to}
//
// `key` is the data-dir relative path (`<project folder>/<path>`, the snapshots' key). Ids sort by time. The
// content is written before its metadata (each temp + rename); a version is listed only when both are there and
// the sizes agree, so a crash leaves nothing half-shown (not fsynced: the last version before a power cut may be
// lost, never torn). Bounds: versions per note, age, bytes per tenant, and a largest file kept (bigger files
// are not versioned; their deletes still go to the trash).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readFileConfined } from '../fs/confined-fs.ts';
import { currentWriter, type VersionReason } from './write-context.ts';

export interface HistoryLimits {
  /** versions kept per note (the newest) */
  maxVersions: number;
  /** versions older than this are removed */
  maxAgeDays: number;
  /** all versions of the tenant together; the oldest go first past it */
  maxTotalBytes: number;
  /** a file larger than this is not versioned */
  maxFileBytes: number;
}

const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxVersions: 50, maxAgeDays: 90, maxTotalBytes: 256 * 1024 * 1024, maxFileBytes: 1024 * 1024 };

export interface NoteVersion {
  id: string;
  key: string;
  reason: VersionReason;
  actor: string;
  saved_at: string;
  size: number;
  sha256: string;
  /** for a move: where the note went */
  moved_to: string | null;
}

const ID_RE = /^[0-9a-z]{9}-[0-9a-f]{8}$/;
export const isVersionId = (id: string): boolean => ID_RE.test(id);

/** Histories by data dir: a write site knows only the file's absolute path. */
const byDataDir = new Map<string, NoteHistory>();

export class NoteHistory {
  readonly dir: string;
  readonly dataDir: string;
  readonly limits: HistoryLimits;
  private readonly now: () => number;
  private readonly onError: (err: unknown, what: string) => void;
  /** bytes of all versions; computed on first need, then kept up to date */
  private total: number | null = null;

  constructor(opts: { dir: string; dataDir: string; limits?: Partial<HistoryLimits>; now?: () => number; onError?: (err: unknown, what: string) => void }) {
    this.dir = path.resolve(opts.dir);
    this.dataDir = path.resolve(opts.dataDir);
    this.limits = { ...DEFAULT_HISTORY_LIMITS, ...opts.limits };
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => {});
  }

  /** From now on, writes under the data dir keep their versions here. */
  register(): this { byDataDir.set(this.dataDir, this); return this; }
  unregister(): void { if (byDataDir.get(this.dataDir) === this) byDataDir.delete(this.dataDir); }

  private noteDir(key: string): string {
    const h = crypto.createHash('sha256').update(key).digest('hex');
    return path.join(this.dir, h.slice(0, 2), h);
  }

  /**
   * Keeps `bytes` (or the file's current content, read without following links) as a version of `key`. Never
   * throws: a history that cannot be written must not refuse the person's write (the failure is reported).
   */
  keep(key: string, reason: VersionReason, opts: { abs?: string; bytes?: Buffer | null; movedTo?: string; replacedBySha256?: string } = {}): NoteVersion | null {
    try {
      let bytes = opts.bytes ?? null;
      if (!bytes && opts.abs) {
        const st = fs.lstatSync(opts.abs, { throwIfNoEntry: false });
        if (!st || !st.isFile() || st.size > this.limits.maxFileBytes) return null;
        bytes = readFileConfined(opts.abs);
      }
      if (!bytes || bytes.length > this.limits.maxFileBytes) return null;
      const sum = crypto.createHash('sha256').update(bytes).digest('hex');
      // a write of the same content changes nothing: nothing to keep
      if (opts.replacedBySha256 && opts.replacedBySha256.toLowerCase() === sum) return null;
      const dir = this.noteDir(key);
      const existing = this.list(key);
      const newest = existing[0];
      // the same content again (a save without changes): one version is enough, unless it says where the note went
      if (newest && newest.sha256 === sum && reason !== 'move' && reason !== 'delete') return null;
      const ctx = currentWriter();
      const t = this.now();
      const id = `${t.toString(36).padStart(9, '0')}-${crypto.randomBytes(4).toString('hex')}`;
      const v: NoteVersion = { id, key, reason: ctx.reason ?? reason, actor: ctx.actor, saved_at: new Date(t).toISOString(), size: bytes.length, sha256: sum, moved_to: opts.movedTo ?? null };
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeReplace(path.join(dir, `${id}.bin`), bytes);
      writeReplace(path.join(dir, `${id}.json`), JSON.stringify(v) + '\n');
      if (this.total !== null) this.total += bytes.length;
      // the note's bounds, from the listing already read (no second pass over its versions)
      const cutoff = new Date(t - this.limits.maxAgeDays * 86_400_000).toISOString();
      existing.forEach((old, i) => { if (i + 1 >= this.limits.maxVersions || old.saved_at < cutoff) this.remove(dir, old.id); });
      if (this.totalBytes() > this.limits.maxTotalBytes) this.prune();
      return v;
    } catch (err) {
      this.onError(err, `keeping a version of ${key}`);
      return null;
    }
  }

  /** The versions of `key`, newest first. */
  list(key: string): NoteVersion[] {
    return this.readDir(this.noteDir(key)).filter((v) => v.key === key);
  }

  /** One version's bytes; null when there is no such version. */
  read(key: string, id: string): { version: NoteVersion; bytes: Buffer } | null {
    if (!isVersionId(id)) return null;
    const version = this.list(key).find((v) => v.id === id);
    if (!version) return null;
    const bytes = fs.readFileSync(path.join(this.noteDir(key), `${id}.bin`));
    return bytes.length === version.size ? { version, bytes } : null;
  }

  private readDir(dir: string): NoteVersion[] {
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return []; }
    const out: NoteVersion[] = [];
    for (const n of names) {
      if (!n.endsWith('.json') || !isVersionId(n.slice(0, -5))) continue;
      try {
        const v = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as NoteVersion;
        const st = fs.statSync(path.join(dir, `${v.id}.bin`), { throwIfNoEntry: false });
        if (v.id === n.slice(0, -5) && st && st.size === v.size) out.push(v);
      } catch { /* a version cut short by a crash: not listed, removed by the next prune */ }
    }
    return out.sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  private remove(dir: string, id: string): void {
    const bin = path.join(dir, `${id}.bin`);
    const size = fs.statSync(bin, { throwIfNoEntry: false })?.size ?? 0;
    fs.rmSync(path.join(dir, `${id}.json`), { force: true });
    fs.rmSync(bin, { force: true });
    if (this.total !== null) this.total = Math.max(0, this.total - size);
  }

  totalBytes(): number {
    if (this.total === null) {
      let n = 0;
      for (const f of this.allFiles()) n += f.size;
      this.total = n;
    }
    return this.total;
  }

  private allFiles(): { dir: string; name: string; size: number }[] {
    const out: { dir: string; name: string; size: number }[] = [];
    let shards: string[];
    try { shards = fs.readdirSync(this.dir); } catch { return out; }
    for (const s of shards) {
      let notes: string[];
      try { notes = fs.readdirSync(path.join(this.dir, s)); } catch { continue; }
      for (const n of notes) {
        const dir = path.join(this.dir, s, n);
        let files: string[];
        try { files = fs.readdirSync(dir); } catch { continue; }
        for (const f of files) if (f.endsWith('.bin')) out.push({ dir, name: f, size: fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0 });
      }
    }
    return out;
  }

  /**
   * Applies every bound to the whole history: age and count per note, then the oldest versions of any note go
   * until the total is under 90 % of the limit; leftovers of interrupted writes are removed. Returns versions removed.
   */
  prune(): number {
    const t = this.now();
    let removed = 0;
    const cutoff = new Date(t - this.limits.maxAgeDays * 86_400_000).toISOString();
    const kept: { dir: string; id: string; size: number }[] = [];
    const dirs = new Set(this.allFiles().map((f) => f.dir));
    for (const dir of dirs) {
      const versions = this.readDir(dir);
      const listed = new Set(versions.map((v) => v.id));
      for (const f of fs.readdirSync(dir)) {
        const id = f.replace(/\.(bin|json|tmp)$/, '');
        if (!listed.has(id) && !(f.endsWith('.tmp') && t - (fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0) < 60_000)) fs.rmSync(path.join(dir, f), { force: true });
      }
      versions.forEach((v, i) => {
        if (i >= this.limits.maxVersions || v.saved_at < cutoff) { this.remove(dir, v.id); removed++; } else kept.push({ dir, id: v.id, size: v.size });
      });
      if (versions.length && !fs.readdirSync(dir).length) fs.rmSync(dir, { recursive: true, force: true });
    }
    this.total = kept.reduce((n, v) => n + v.size, 0);
    if (this.total > this.limits.maxTotalBytes) {
      const goal = this.limits.maxTotalBytes * 0.9;
      for (const v of kept.sort((a, b) => (a.id < b.id ? -1 : 1))) {
        if (this.total <= goal) break;
        this.remove(v.dir, v.id);
        removed++;
      }
    }
    return removed;
  }
}

function writeReplace(abs: string, data: string | Buffer): void {
  const tmp = `${abs}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, abs);
  } catch (e) { fs.rmSync(tmp, { force: true }); throw e; }
}

function historyFor(abs: string): { history: NoteHistory; key: string } | null {
  const a = path.resolve(abs);
  for (const [dataDir, history] of byDataDir) {
    if (a.startsWith(dataDir + path.sep)) return { history, key: path.relative(dataDir, a).split(path.sep).join('/') };
  }
  return null;
}

/**
 * The one call every write site makes before it replaces, moves or deletes a file: keeps the file's current
 * content (or `bytes`, when the caller already read it) as a version, if the data dir keeps a history.
 * `replacedBy` (the new content or its sha256): a write that changes nothing keeps nothing.
 * Folders, links and hidden files are not versioned.
 */
export function keepVersion(abs: string, reason: VersionReason, opts: { bytes?: Buffer | null; movedToAbs?: string; replacedBy?: string | Buffer } = {}): void {
  const h = historyFor(abs);
  if (!h || h.key.split('/').some((s) => s.startsWith('.'))) return;
  const movedTo = opts.movedToAbs ? historyFor(opts.movedToAbs)?.key : undefined;
  const replacedBySha256 = typeof opts.replacedBy === 'string' || opts.replacedBy === undefined ? opts.replacedBy
    : crypto.createHash('sha256').update(opts.replacedBy).digest('hex');
  h.history.keep(h.key, reason, { abs, bytes: opts.bytes, movedTo, replacedBySha256 });
}
