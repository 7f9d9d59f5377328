// MD5 ETags. WebDAV clients (upstream `bm` push/pull, S3-minded tools) read a 32-hex ETag as the MD5 of the
// bytes, so that is what we answer. It is kept in the index, keyed by (project, path) and valid while the
// file's size, mtime and ctime are what they were when it was computed: uploads store it for free (hashed
// while streaming), anything else is hashed once on first ask. The index is a cache; so is this table.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

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

  /** The cached MD5 or a fresh one, streamed in 64 KiB chunks. */
  async md5Of(projectId: number, rel: string, abs: string, st: StatKey): Promise<string> {
    const hit = this.lookup(projectId, rel, st);
    if (hit) return hit;
    const hash = crypto.createHash('md5');
    for await (const chunk of fs.createReadStream(abs, { highWaterMark: 64 * 1024 })) hash.update(chunk as Buffer);
    const md5 = hash.digest('hex');
    const now = fs.statSync(abs, { throwIfNoEntry: false });
    // Only remember it if the file did not change while it was read.
    if (now && now.size === st.size && now.mtimeMs === st.mtimeMs && now.ctimeMs === st.ctimeMs) this.remember(projectId, rel, st, md5);
    return md5;
  }
}
