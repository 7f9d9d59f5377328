// Per-tenant trash: what the API deletes (a note, a file, a project with its notes) is moved, not unlinked, to
// `<data-dir>/.basic-memory/trash/<id>/` (hidden: never synced, never served as a note) with a manifest, kept
// for the retention time (--trash-retention-days, default 30), listable, restorable and purgeable through the
// API. The move is a rename on the same filesystem through confined-fs (no link is followed on either side).
//
//   trash/<id>/manifest.json   {"id","kind","project","path","deleted_at","expires_at","size","title"}
//   trash/<id>/payload/<name>  the file or folder itself
//
// The manifest is written before the payload moves in; an entry without a payload (a crash between the two) is
// not listed and is removed by the next purge.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, NotFoundError, PathError } from '../engine-types.ts';
import { keepVersion } from '../history/note-history.ts';
import type { VersionReason } from '../history/write-context.ts';
import { atomicCreate } from '../fs/atomic-write.ts';
import { lstatConfined, mkdirConfined, openDir, readFileConfined, registerAnchor, renameConfined } from '../fs/confined-fs.ts';

const TRASH_DIR = path.join('.basic-memory', 'trash');
const DEFAULT_TRASH_RETENTION_DAYS = 30;
const ID_RE = /^[0-9a-z]{11}-[0-9a-f]{12}$/;

export type TrashKind = 'note' | 'file' | 'project';
export interface TrashItem {
  id: string;
  kind: TrashKind;
  /** project name (for kind "project": the project removed) */
  project: string;
  /** project-relative path of the note/file; for a project, its folder */
  path: string;
  deleted_at: string;
  expires_at: string;
  size: number;
  title: string | null;
}

export function isTrashId(id: string): boolean { return ID_RE.test(id); }

function sizeOf(abs: string): number {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of fs.readdirSync(abs, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += fs.lstatSync(path.join(e.parentPath, e.name)).size;
  }
  return n;
}

export class Trash {
  readonly dir: string;
  readonly retentionMs: number;
  private readonly now: () => number;

  constructor(dataDir: string, opts: { retentionDays?: number; now?: () => number } = {}) {
    registerAnchor(dataDir);
    this.dir = path.join(dataDir, TRASH_DIR);
    this.retentionMs = (opts.retentionDays ?? DEFAULT_TRASH_RETENTION_DAYS) * 86_400_000;
    this.now = opts.now ?? Date.now;
  }

  /** Moves `abs` (inside the data dir) into the trash; returns its entry. The caller holds the writer lock. */
  put(abs: string, meta: { kind: TrashKind; project: string; path: string; title?: string | null; reason?: VersionReason }): TrashItem {
    const st = lstatConfined(abs);
    if (!st) throw new NotFoundError(`Not found: ${meta.path}`);
    if (st.isFile()) keepVersion(abs, meta.reason ?? 'delete'); // the note's history shows the delete too
    const t = this.now();
    // time first, so ids sort by deletion time
    const id = `${t.toString(36).padStart(11, '0')}-${crypto.randomBytes(6).toString('hex')}`;
    const item: TrashItem = { id, kind: meta.kind, project: meta.project, path: meta.path, deleted_at: new Date(t).toISOString(),
      expires_at: new Date(t + this.retentionMs).toISOString(), size: st.isDirectory() ? sizeOf(abs) : st.size, title: meta.title ?? null };
    const entry = path.join(this.dir, id);
    mkdirConfined(path.join(entry, 'payload'));
    atomicCreate(path.join(entry, 'manifest.json'), JSON.stringify(item, null, 2) + '\n');
    try {
      renameConfined(abs, path.join(entry, 'payload', path.basename(abs)), { noReplace: true });
    } catch (e) {
      this.removeEntry(id);
      throw e;
    }
    return item;
  }

  private manifest(id: string): TrashItem | null {
    if (!isTrashId(id)) return null;
    try {
      const m = JSON.parse(readFileConfined(path.join(this.dir, id, 'manifest.json')).toString('utf8')) as TrashItem;
      return m && m.id === id ? m : null;
    } catch { return null; }
  }

  private payload(item: TrashItem): string { return path.join(this.dir, item.id, 'payload', path.basename(item.path)); }

  private removeEntry(id: string): void {
    if (!isTrashId(id)) return;
    let d;
    try { d = openDir(this.dir); } catch { return; }
    try { fs.rmSync(d.at(id), { recursive: true, force: true }); d.fsync(); } finally { d.close(); }
  }

  /** Live entries, newest first. Expired ones (and half-written ones) are purged on the way. */
  list(): TrashItem[] {
    let names: string[];
    try { names = fs.readdirSync(this.dir); } catch { return []; }
    const out: TrashItem[] = [];
    const now = this.now();
    for (const name of names) {
      const m = this.manifest(name);
      if (!m || Date.parse(m.expires_at) <= now || !lstatConfined(this.payload(m))) {
        // an entry older than a minute with no manifest or payload is a crash leftover
        const age = now - (fs.lstatSync(path.join(this.dir, name), { throwIfNoEntry: false })?.mtimeMs ?? now);
        if (m ? Date.parse(m.expires_at) <= now || age > 60_000 : age > 60_000) this.removeEntry(name);
        continue;
      }
      out.push(m);
    }
    return out.sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  get(id: string): TrashItem {
    const m = isTrashId(id) ? this.manifest(id) : null;
    if (!m || Date.parse(m.expires_at) <= this.now() || !lstatConfined(this.payload(m))) throw new NotFoundError(`Trash item '${id}' not found`);
    return m;
  }

  /**
   * Moves the payload back to `destAbs` (never over an existing file or folder: 409 naming it). Missing folders
   * on the way are created. The caller re-indexes.
   */
  restore(id: string, destAbs: string): TrashItem {
    const m = this.get(id);
    if (lstatConfined(destAbs)) throw new ConflictError(`Cannot restore '${m.path}': something already exists at that path. Move or delete it first, then restore again.`);
    try {
      renameConfined(this.payload(m), destAbs, { noReplace: true, createParents: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`Cannot restore '${m.path}': something already exists at that path. Move or delete it first, then restore again.`);
      if (e instanceof PathError) throw new ConflictError(`Cannot restore '${m.path}': ${e.message}`);
      throw e;
    }
    this.removeEntry(id);
    return m;
  }

  /** Deletes the entry for good. */
  purge(id: string): TrashItem {
    const m = this.get(id);
    this.removeEntry(id);
    return m;
  }

  /** Removes expired entries; returns how many. */
  purgeExpired(): number {
    let names: string[];
    try { names = fs.readdirSync(this.dir); } catch { return 0; }
    const now = this.now();
    let n = 0;
    for (const name of names) {
      const m = this.manifest(name);
      if (m && Date.parse(m.expires_at) <= now) { this.removeEntry(name); n++; }
    }
    return n;
  }
}
