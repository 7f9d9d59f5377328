// MD5 ETags. WebDAV clients (upstream `bm` push/pull, S3-minded tools) read a 32-hex ETag as the MD5 of the
// bytes, so that is what we answer. It is kept in the index, keyed by (project, path) and valid while the
// file's size, mtime and ctime are what they were when it was computed: uploads store it for free (hashed
// while streaming), anything else is hashed once on first ask. The index is a cache; so is this table.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openForRead } from '../fs/confined-fs.ts';

const DDL = `CREATE TABLE IF NOT EXISTS webdav_md5(
  project_id INTEGER NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, ctime_ms REAL NOT NULL,
  md5 TEXT NOT NULL, PRIMARY KEY(project_id, path))`;

export interface StatKey { size: number; mtimeMs: number; ctimeMs: number }

export class Md5Cache {
  private get: StatementSync;
  private put: StatementSync;
  private del: StatementSync;
  private delUnder: StatementSync;

  constructor(db: DatabaseSync) {
    db.exec(DDL);
    this.get = db.prepare('SELECT md5, size, mtime_ms, ctime_ms FROM webdav_md5 WHERE project_id = ? AND path = ?');
    this.put = db.prepare('INSERT OR REPLACE INTO webdav_md5(project_id, path, size, mtime_ms, ctime_ms, md5) VALUES (?,?,?,?,?,?)');
    this.del = db.prepare('DELETE FROM webdav_md5 WHERE project_id = ? AND path = ?');
    this.delUnder = db.prepare("DELETE FROM webdav_md5 WHERE project_id = ? AND (path = ? OR substr(path, 1, length(?) + 1) = ? || '/')");
  }

  lookup(projectId: number, rel: string, st: StatKey): string | null {
    const row = this.get.get(projectId, rel) as { md5: string; size: number; mtime_ms: number; ctime_ms: number } | undefined;
    if (!row || row.size !== st.size || row.mtime_ms !== st.mtimeMs || row.ctime_ms !== st.ctimeMs) return null;
    return row.md5;
  }

  remember(projectId: number, rel: string, st: StatKey, md5: string): void {
    this.put.run(projectId, rel, st.size, st.mtimeMs, st.ctimeMs, md5);
  }

  forget(projectId: number, rel: string): void { this.del.run(projectId, rel); }

  forgetUnder(projectId: number, rel: string): void { this.delUnder.run(projectId, rel, rel, rel); }

  /** The cached MD5 or a fresh one, streamed in 64 KiB chunks through a no-follow handle (the caller's, when it has one open). */
  async md5Of(projectId: number, rel: string, abs: string, st: StatKey, handle?: fs.promises.FileHandle): Promise<string> {
    const hit = this.lookup(projectId, rel, st);
    if (hit) return hit;
    const own = handle ? null : await openForRead(abs);
    const fh = handle ?? own!;
    let md5: string, now: fs.Stats;
    try {
      const hash = crypto.createHash('md5');
      const buf = Buffer.allocUnsafe(64 * 1024);
      for (let pos = 0; ;) { const { bytesRead } = await fh.read(buf, 0, buf.length, pos); if (!bytesRead) break; pos += bytesRead; hash.update(buf.subarray(0, bytesRead)); }
      md5 = hash.digest('hex');
      now = await fh.stat();
    } finally { await own?.close(); }
    // Only remember it if the file did not change while it was read.
    if (now.size === st.size && now.mtimeMs === st.mtimeMs && now.ctimeMs === st.ctimeMs) this.remember(projectId, rel, st, md5);
    return md5;
  }
}
