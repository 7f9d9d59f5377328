// File operations that cannot be steered outside their root, even when a folder on the way is swapped for a
// symlink between a check and the use. Node has no openat(), but on Linux `/proc/self/fd/<dirfd>/<name>`
// resolves <name> relative to an already-open directory: we open the anchor (the data dir, or the project root
// in unit tests), walk every component with O_DIRECTORY|O_NOFOLLOW from the fd of its parent, and touch the
// leaf only through `/proc/self/fd/<parentfd>/<leaf>` (open with O_NOFOLLOW, O_EXCL for temp files; rename,
// link, unlink and mkdir never follow a final symlink). A swap after the walk changes nothing: the held fd is
// the real folder. Symlinks are never followed on the way, wherever they point (the sync does not follow them
// either).
//
// Elsewhere (macOS, BSD: no fd-relative /proc) the walk lstat-checks each component and uses plain paths: it
// refuses symlinks it sees, but a swap in the window between the check and the use is not prevented there.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, NotFoundError, PathError } from '../engine-types.ts';

const C = fs.constants;
const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW;

function probeFdRelative(): boolean {
  if (process.platform !== 'linux') return false;
  let fd: number | null = null;
  try {
    fd = fs.openSync('/', DIR_FLAGS);
    return fs.statSync(`/proc/self/fd/${fd}/.`).isDirectory();
  } catch { return false; } finally { if (fd !== null) fs.closeSync(fd); }
}

/** true on Linux with /proc: operations are immune to swaps between check and use. */
export const FD_RELATIVE = probeFdRelative();

export class SymlinkRefusedError extends PathError {
  override name = 'SymlinkRefusedError';
}

// Anchors: folders whose own path is trusted (the data dir). A path is walked from the outermost anchor
// that contains it, so the project folder itself is walked too.
const anchors = new Set<string>();
export function registerAnchor(dir: string, opts: { ifUncovered?: boolean } = {}): void {
  const abs = path.resolve(dir);
  if (opts.ifUncovered && anchorFor(abs) !== null) return;
  anchors.add(abs);
}
function anchorFor(abs: string): string | null {
  let best: string | null = null;
  for (const a of anchors) if ((abs === a || abs.startsWith(a + path.sep)) && (best === null || a.length < best.length)) best = a;
  return best;
}

/** An open folder reached without following any symlink. `at(name)` names a child through the held fd. */
export class ConfinedDir {
  readonly fd: number;
  readonly abs: string;
  constructor(fd: number, abs: string) { this.fd = fd; this.abs = abs; }
  at(name: string): string {
    if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new PathError(`invalid name: '${name}'`);
    return FD_RELATIVE ? `/proc/self/fd/${this.fd}/${name}` : path.join(this.abs, name);
  }
  /** The folder itself (for readdir / fsync by path). */
  self(): string { return FD_RELATIVE ? `/proc/self/fd/${this.fd}` : this.abs; }
  fsync(): void { try { fs.fsyncSync(this.fd); } catch { /* some filesystems cannot fsync a directory */ } }
  close(): void { try { fs.closeSync(this.fd); } catch { /* already closed */ } }
}

function refuseComponent(parent: ConfinedDir, name: string, rel: string): never {
  const st = fs.lstatSync(parent.at(name), { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw new SymlinkRefusedError(`Invalid path: '${rel}' is a symbolic link; links are not followed`);
  throw new PathError(`Invalid path: '${rel}' is not a folder`);
}

function openChild(parent: ConfinedDir, name: string, rel: string, create: boolean): ConfinedDir {
  const p = parent.at(name);
  for (let attempt = 0; ; attempt++) {
    try {
      if (!FD_RELATIVE && fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) refuseComponent(parent, name, rel);
      return new ConfinedDir(fs.openSync(p, DIR_FLAGS), path.join(parent.abs, name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'ELOOP') refuseComponent(parent, name, rel);
      if (code === 'ENOENT' && !create) throw new NotFoundError(`Not found: '${rel}' does not exist`);
      if (code === 'ENOENT' && attempt > 2) throw new PathError(`Invalid path: '${rel}' keeps changing`);
      if (code !== 'ENOENT') throw e;
      // mkdir never follows a final symlink: if one appears meanwhile, mkdir fails EEXIST and the open refuses it
      try { fs.mkdirSync(p, 0o755); } catch (m) {
        const mc = (m as NodeJS.ErrnoException).code;
        // ENOENT inside a held folder: it was removed meanwhile (a concurrent delete or move): a clear conflict, not a 500
        if (mc === 'ENOENT') throw new ConflictError('The folder was moved or removed while the operation ran; nothing was written. Retry.');
        if (mc !== 'EEXIST') throw m;
      }
    }
  }
}

function openAnchor(anchor: string): ConfinedDir {
  // the anchor's own path is trusted (operator-configured); only what is below it is walked
  return new ConfinedDir(fs.openSync(anchor, C.O_RDONLY | C.O_DIRECTORY), anchor);
}

// A path under no registered anchor (a caller that never named its root): only the leaf is protected.
function openUnanchored(dir: string, opts: { create?: boolean }): ConfinedDir {
  if (opts.create) fs.mkdirSync(dir, { recursive: true });
  return openAnchor(dir);
}

/** Opens the folder `abs` component by component from its anchor, never following a symlink. */
export function openDir(abs: string, opts: { create?: boolean } = {}): ConfinedDir {
  const target = path.resolve(abs);
  const anchor = anchorFor(target) ?? target;
  let dir = openAnchor(anchor);
  const rest = path.relative(anchor, target);
  if (!rest) return dir;
  const segs = rest.split(path.sep);
  for (let i = 0; i < segs.length; i++) {
    try {
      const next = openChild(dir, segs[i]!, segs.slice(0, i + 1).join('/'), !!opts.create);
      dir.close();
      dir = next;
    } catch (e) { dir.close(); throw e; }
  }
  return dir;
}

/** ENOENT inside a held folder that was removed meanwhile (moved over, rmdir'd): a clear conflict, not a 500. */
function vanished(dir: ConfinedDir, e: unknown): unknown {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return e;
  try { if (fs.fstatSync(dir.fd).nlink > 0) return e; } catch { return e; }
  return new ConflictError('The folder was moved or removed while the operation ran; nothing was written. Retry.');
}

/** Runs fn with the confined parent of `abs` and the leaf name; the parent fd is closed afterwards. */
export function withParent<T>(abs: string, opts: { create?: boolean }, fn: (dir: ConfinedDir, leaf: string) => T): T {
  const target = path.resolve(abs);
  const anchor = anchorFor(target);
  if (anchor === target) throw new PathError('Invalid path: the root itself is not a file');
  const dir = anchor === null ? openUnanchored(path.dirname(target), opts) : openDir(path.dirname(target), opts);
  try { return fn(dir, path.basename(target)); } catch (e) { throw vanished(dir, e); } finally { dir.close(); }
}

async function withParentAsync<T>(abs: string, opts: { create?: boolean }, fn: (dir: ConfinedDir, leaf: string) => Promise<T>): Promise<T> {
  const target = path.resolve(abs);
  const anchor = anchorFor(target);
  if (anchor === target) throw new PathError('Invalid path: the root itself is not a file');
  const dir = anchor === null ? openUnanchored(path.dirname(target), opts) : openDir(path.dirname(target), opts);
  try { return await fn(dir, path.basename(target)); } catch (e) { throw vanished(dir, e); } finally { dir.close(); }
}

/** lstat of `abs` reached without following links on the way (null when missing or the way is not a folder). */
export function lstatConfined(abs: string): fs.Stats | null {
  try {
    return withParent(abs, {}, (dir, leaf) => fs.lstatSync(dir.at(leaf), { throwIfNoEntry: false }) ?? null);
  } catch (e) {
    if (e instanceof SymlinkRefusedError) throw e;
    if (e instanceof PathError || e instanceof NotFoundError || (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Creates the folder `abs` and its missing parents inside the anchor; refuses symlinks on the way. */
export function mkdirConfined(abs: string): void { openDir(abs, { create: true }).close(); }

// Temp files of our writes: hidden, recognisable, and ending in .tmp, so the ignore rules skip them, the
// API refuses them and the start-up sweep can remove leftovers of a crash without touching anything else.
const TEMP_PREFIX = '.bm-tmp-';
export const UPLOAD_TEMP_PREFIX = '.bm-upload-';
const TEMP_RE = /^\.bm-(?:tmp|upload)-[0-9a-f]{8,32}\.tmp$/;
/** A temp file left by this tenant (atomic writes, uploads, trash moves). */
export function isTempName(name: string): boolean { return TEMP_RE.test(name); }
export function newTempName(prefix = TEMP_PREFIX): string { return `${prefix}${crypto.randomBytes(8).toString('hex')}.tmp`; }

/** Creates a new temp file in `dir` (O_EXCL|O_NOFOLLOW), writes and fsyncs `data`; returns its name. */
export function writeTempIn(dir: ConfinedDir, data: string | Uint8Array, mode = 0o644): string {
  const name = newTempName();
  const fd = fs.openSync(dir.at(name), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode);
  try { fs.writeFileSync(fd, data); fs.fsyncSync(fd); fs.closeSync(fd); } catch (e) {
    try { fs.closeSync(fd); } catch { /* closed */ }
    fs.rmSync(dir.at(name), { force: true });
    throw e;
  }
  return name;
}

/** Opens a regular file for reading without following any symlink (the leaf included). */
export async function openForRead(abs: string): Promise<fs.promises.FileHandle> {
  return withParentAsync(abs, {}, async (dir, leaf) => {
    try {
      return await fs.promises.open(dir.at(leaf), C.O_RDONLY | C.O_NOFOLLOW);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new SymlinkRefusedError(`Invalid path: '${leaf}' is a symbolic link; links are not followed`);
      throw e;
    }
  });
}

export function readFileConfined(abs: string): Buffer {
  return withParent(abs, {}, (dir, leaf) => {
    let fd: number;
    try { fd = fs.openSync(dir.at(leaf), C.O_RDONLY | C.O_NOFOLLOW); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new SymlinkRefusedError(`Invalid path: '${leaf}' is a symbolic link; links are not followed`);
      throw e;
    }
    try { return fs.readFileSync(fd); } finally { fs.closeSync(fd); }
  });
}

/** Entries of the folder `abs` (reached without following links). */
export function listDir(abs: string): fs.Dirent[] {
  const dir = openDir(abs);
  try { return fs.readdirSync(dir.self(), { withFileTypes: true }); } finally { dir.close(); }
}

/** Unlinks the file `abs` (a symlink leaf is unlinked itself, never followed). false when it was missing. */
export function unlinkConfined(abs: string): boolean {
  return withParent(abs, {}, (dir, leaf) => {
    try { fs.unlinkSync(dir.at(leaf)); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    dir.fsync();
    return true;
  });
}

/** Removes a leftover temp file of ours; never throws. */
export function removeTemp(abs: string): void {
  try { withParent(abs, {}, (dir, leaf) => { if (isTempName(leaf)) fs.rmSync(dir.at(leaf), { force: true }); }); } catch { /* best effort */ }
}

/** rename(2) from one confined place to another (same filesystem). Replaces the destination unless noReplace. */
export function renameConfined(fromAbs: string, toAbs: string, opts: { noReplace?: boolean; createParents?: boolean } = {}): void {
  withParent(fromAbs, {}, (from, fromLeaf) => withParent(toAbs, { create: !!opts.createParents }, (to, toLeaf) => {
    if (opts.noReplace) {
      // link fails with EEXIST instead of replacing; a directory cannot be linked, so it is renamed after a check
      const st = fs.lstatSync(from.at(fromLeaf));
      if (st.isDirectory()) {
        if (fs.lstatSync(to.at(toLeaf), { throwIfNoEntry: false })) throw Object.assign(new Error(`EEXIST: ${toLeaf}`), { code: 'EEXIST' });
        fs.renameSync(from.at(fromLeaf), to.at(toLeaf));
      } else {
        fs.linkSync(from.at(fromLeaf), to.at(toLeaf));
        fs.unlinkSync(from.at(fromLeaf));
      }
    } else {
      fs.renameSync(from.at(fromLeaf), to.at(toLeaf));
    }
    to.fsync();
    if (from.abs !== to.abs) from.fsync();
  }));
}

function refuseLeafLink(e: unknown, leaf: string): unknown {
  if ((e as NodeJS.ErrnoException).code === 'ELOOP') return new SymlinkRefusedError(`Invalid path: '${leaf}' is a symbolic link; links are not followed`);
  return e;
}

/** Entries of the folder `abs` with their lstat, all read through one held fd (no per-entry walk). */
export function listDirStats(abs: string): { name: string; st: fs.Stats }[] {
  const dir = openDir(abs);
  try {
    const out: { name: string; st: fs.Stats }[] = [];
    for (const name of fs.readdirSync(dir.self())) {
      const st = fs.lstatSync(dir.at(name), { throwIfNoEntry: false });
      if (st) out.push({ name, st });
    }
    return out;
  } finally { dir.close(); }
}

/** Creates the one folder `abs`; its parent must exist (NotFoundError otherwise); EEXIST when something is there. */
export function mkdirLeafConfined(abs: string): void {
  withParent(abs, {}, (dir, leaf) => { fs.mkdirSync(dir.at(leaf), 0o755); dir.fsync(); });
}

/** Sets a file's times through an fd opened without following links (futimes: no path lookup at the change). */
export function utimesConfined(abs: string, atime: number | Date, mtime: number | Date): void {
  withParent(abs, {}, (dir, leaf) => {
    let fd: number;
    try { fd = fs.openSync(dir.at(leaf), C.O_RDONLY | C.O_NOFOLLOW); } catch (e) { throw refuseLeafLink(e, leaf); }
    try { fs.futimesSync(fd, atime, mtime); } finally { fs.closeSync(fd); }
  });
}

/** MD5 (hex) of a regular file read without following any link. */
export function md5FileConfined(abs: string): string {
  return withParent(abs, {}, (dir, leaf) => {
    let fd: number;
    try { fd = fs.openSync(dir.at(leaf), C.O_RDONLY | C.O_NOFOLLOW); } catch (e) { throw refuseLeafLink(e, leaf); }
    try {
      const hash = crypto.createHash('md5');
      const buf = Buffer.allocUnsafe(64 * 1024);
      for (;;) { const n = fs.readSync(fd, buf, 0, buf.length, null); if (!n) break; hash.update(buf.subarray(0, n)); }
      return hash.digest('hex');
    } finally { fs.closeSync(fd); }
  });
}

/**
 * Copies the regular file `srcAbs` to `destAbs` atomically: read through a no-follow fd, written to a new temp
 * (O_EXCL|O_NOFOLLOW) in the held destination folder, fsynced, given the source's times with futimes, renamed
 * in that same held folder. The destination's parent must exist.
 */
export function copyFileConfined(srcAbs: string, destAbs: string): void {
  withParent(srcAbs, {}, (from, fromLeaf) => withParent(destAbs, {}, (to, toLeaf) => {
    let sfd: number;
    try { sfd = fs.openSync(from.at(fromLeaf), C.O_RDONLY | C.O_NOFOLLOW); } catch (e) { throw refuseLeafLink(e, fromLeaf); }
    try {
      const st = fs.fstatSync(sfd);
      if (!st.isFile()) throw new PathError(`Invalid path: '${fromLeaf}' is not a file`);
      const tmp = newTempName(UPLOAD_TEMP_PREFIX);
      const dfd = fs.openSync(to.at(tmp), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, st.mode & 0o777);
      try {
        const buf = Buffer.allocUnsafe(256 * 1024);
        for (;;) {
          const n = fs.readSync(sfd, buf, 0, buf.length, null);
          if (!n) break;
          let off = 0;
          while (off < n) off += fs.writeSync(dfd, buf, off, n - off);
        }
        fs.fsyncSync(dfd);
        fs.futimesSync(dfd, st.atime, st.mtime);
        fs.closeSync(dfd);
        fs.renameSync(to.at(tmp), to.at(toLeaf));
      } catch (e) {
        try { fs.closeSync(dfd); } catch { /* closed */ }
        fs.rmSync(to.at(tmp), { force: true });
        throw e;
      }
      to.fsync();
    } finally { fs.closeSync(sfd); }
  }));
}

/** Files under `relDir` of `root` (walked through held fds, never following a link), with a filter for folders and files. */
export function* walkFilesConfined(root: string, relDir: string, keep: (rel: string, name: string, isDir: boolean) => boolean):
  Generator<{ rel: string; abs: string; st: fs.Stats }> {
  const stack = [relDir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: { name: string; st: fs.Stats }[];
    try { entries = listDirStats(d ? path.join(root, d) : root); } catch { continue; } // gone, or a link: not walked
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const e of entries) {
      const rel = d ? `${d}/${e.name}` : e.name;
      if (e.st.isDirectory()) { if (keep(rel, e.name, true)) stack.push(rel); continue; }
      if (e.st.isFile() && keep(rel, e.name, false)) yield { rel, abs: path.join(root, rel), st: e.st };
    }
  }
}

// The sync scan reads every file of a project; walking each one from the anchor (openDir) would cost an open per
// folder on the way, per file. The scan instead opens the path itself without following the leaf, then asks the
// kernel where the fd really is: `/proc/self/fd/N` names the opened file's own path, so a folder on the way that
// was a symlink at the moment of the open (swapped in at any time before it) shows as a path other than
// root/rel, and the fd is closed unread. One readlink per file. Folders are listed through such a proven fd, so
// nothing outside is ever listed either (`child(name)` names an entry through that fd for an unlink or stat).
// Elsewhere (no fd-relative /proc) the path is resolved again after the open and must be the same inode: that
// refuses the links it sees, but not a swap back and forth between the open and the check.

/** A file or folder the scan refused because it is not where the walk found it. */
export class OutsideProjectError extends PathError {
  override name = 'OutsideProjectError';
}

const FILE_READ_FLAGS = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK; // O_NONBLOCK: a FIFO swapped in never blocks the scan

/** A project folder for the scan, held by its real path (proven: no symlink on the way from the anchor). */
export class ScanRoot {
  /** The folder's own path as the kernel names it; every file is opened below it. */
  readonly real: string;
  constructor(root: string) {
    let dir: ConfinedDir;
    // a plain Error (a failed run, a 500 to a caller): the folder is the operator's, not the request's
    try { dir = openDir(root); } catch { throw new Error(`project folder is missing or is not a real folder: ${root}`); }
    try {
      this.real = FD_RELATIVE ? fs.readlinkSync(`/proc/self/fd/${dir.fd}`) : fs.realpathSync(dir.abs);
    } finally { dir.close(); }
  }

  abs(rel: string): string { return rel ? `${this.real}/${rel}` : this.real; }

  /** Throws unless `fd` is the very file root/rel (no link on the way, not moved since the open). */
  private prove(fd: number, rel: string): void {
    const expected = this.abs(rel);
    let actual: string;
    if (FD_RELATIVE) {
      actual = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (actual === expected) return;
      if (actual.endsWith(' (deleted)')) throw Object.assign(new Error(`ENOENT: '${rel}' was removed during the scan`), { code: 'ENOENT' });
    } else {
      try { actual = fs.realpathSync(expected); } catch { actual = ''; }
      const a = fs.fstatSync(fd);
      const b = actual ? fs.statSync(actual, { throwIfNoEntry: false }) : undefined;
      if (actual === expected && b && a.ino === b.ino && a.dev === b.dev) return;
    }
    throw new OutsideProjectError(actual.startsWith(this.real + '/')
      ? `refused '${rel}': it is not where the scan found it (a folder on the way is a symbolic link, or it moved during the scan); not read`
      : `refused '${rel}': it leads outside the project (a folder on the way is a symbolic link); not read`);
  }

  /** fd of root/rel for reading (the leaf is never followed; proven afterwards). The caller closes it. */
  openFile(rel: string): number {
    let fd: number;
    try { fd = fs.openSync(this.abs(rel), FILE_READ_FLAGS); } catch (e) { throw refuseLeafLink(e, rel); }
    try { this.prove(fd, rel); } catch (e) { fs.closeSync(fd); throw e; }
    return fd;
  }

  async openFileAsync(rel: string): Promise<fs.promises.FileHandle> {
    let fh: fs.promises.FileHandle;
    try { fh = await fs.promises.open(this.abs(rel), FILE_READ_FLAGS); } catch (e) { throw refuseLeafLink(e, rel); }
    try { this.prove(fh.fd, rel); } catch (e) { await fh.close(); throw e; }
    return fh;
  }

  /** Whole file root/rel, read through a proven fd. */
  readFile(rel: string): Buffer {
    const fd = this.openFile(rel);
    try { return fs.readFileSync(fd); } finally { fs.closeSync(fd); }
  }

  /**
   * Runs fn over the entries of the folder root/rel, listed through a proven fd; `child(name)` names an entry
   * through that same fd (for lstat or unlink), so a later swap of the folder changes nothing.
   */
  withDir<T>(rel: string, fn: (entries: fs.Dirent[], child: (name: string) => string) => T): T {
    let fd: number;
    try { fd = fs.openSync(this.abs(rel), DIR_FLAGS); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') throw new SymlinkRefusedError(`Invalid path: '${rel}' is a symbolic link or not a folder; links are not followed`);
      throw e;
    }
    try {
      this.prove(fd, rel);
      const base = FD_RELATIVE ? `/proc/self/fd/${fd}` : this.abs(rel);
      return fn(fs.readdirSync(base, { withFileTypes: true }), (name) => `${base}/${name}`);
    } finally { fs.closeSync(fd); }
  }
}
