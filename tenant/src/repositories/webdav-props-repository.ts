// Dead WebDAV properties (PROPPATCH): stored in the tenant's index database, never in the user's folder and
// never in the user's file. Keyed by (project, path, namespace, name); the value is the property element as a
// self-contained XML fragment. They move and copy with their resource and go when it is deleted over WebDAV;
// a resource created over WebDAV starts with none (a stale row for a path removed some other way cannot
// resurface on a new file of the same name).
import type { DatabaseSync, StatementSync } from 'node:sqlite';

const DDL = `CREATE TABLE IF NOT EXISTS webdav_props(
  project_id INTEGER NOT NULL, path TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, xml TEXT NOT NULL,
  PRIMARY KEY(project_id, path, ns, name))`;

/** How many dead properties one resource may carry, and how large each may be (bytes of XML). */
const MAX_PROPS_PER_RESOURCE = 200;
export const MAX_PROP_BYTES = 16 * 1024;

export interface DeadProp { ns: string; name: string; xml: string }
export type PropChange = { op: 'set'; ns: string; name: string; xml: string } | { op: 'remove'; ns: string; name: string };

const UNDER = "(path = ? OR substr(path, 1, length(?) + 1) = ? || '/')";

export class DeadPropStore {
  private db: DatabaseSync;
  private list: StatementSync;
  private count: StatementSync;
  private put: StatementSync;
  private del: StatementSync;
  private delUnder: StatementSync;
  private moveUnder: StatementSync;
  private copyUnder: StatementSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    db.exec(DDL);
    this.list = db.prepare('SELECT ns, name, xml FROM webdav_props WHERE project_id = ? AND path = ? ORDER BY ns, name');
    this.count = db.prepare('SELECT count(*) AS n FROM webdav_props WHERE project_id = ? AND path = ?');
    this.put = db.prepare('INSERT OR REPLACE INTO webdav_props(project_id, path, ns, name, xml) VALUES (?,?,?,?,?)');
    this.del = db.prepare('DELETE FROM webdav_props WHERE project_id = ? AND path = ? AND ns = ? AND name = ?');
    this.delUnder = db.prepare(`DELETE FROM webdav_props WHERE project_id = ? AND ${UNDER}`);
    // `from` prefix replaced by `to` on the resource and everything below it.
    this.moveUnder = db.prepare(`UPDATE webdav_props SET path = ? || substr(path, length(?) + 1) WHERE project_id = ? AND ${UNDER}`);
    this.copyUnder = db.prepare(`INSERT OR REPLACE INTO webdav_props(project_id, path, ns, name, xml)
      SELECT project_id, ? || substr(path, length(?) + 1), ns, name, xml FROM webdav_props WHERE project_id = ? AND ${UNDER}`);
  }

  of(projectId: number, rel: string): DeadProp[] {
    return this.list.all(projectId, rel) as unknown as DeadProp[];
  }

  /** Applies every change or none (PROPPATCH is atomic); returns false when the resource would carry too many. */
  apply(projectId: number, rel: string, changes: PropChange[]): boolean {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const c of changes) {
        if (c.op === 'set') this.put.run(projectId, rel, c.ns, c.name, c.xml);
        else this.del.run(projectId, rel, c.ns, c.name);
      }
      if ((this.count.get(projectId, rel) as { n: number }).n > MAX_PROPS_PER_RESOURCE) { this.db.exec('ROLLBACK'); return false; }
      this.db.exec('COMMIT');
      return true;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  dropUnder(projectId: number, rel: string): void { this.delUnder.run(projectId, rel, rel, rel); }

  /** After MOVE: the destination's own properties are replaced by the source's. */
  moveUnderTo(projectId: number, from: string, to: string): void {
    this.dropUnder(projectId, to);
    this.moveUnder.run(to, from, projectId, from, from, from);
  }

  /** After COPY: the destination carries copies of the source's properties (and none of what it had before). */
  copyUnderTo(projectId: number, from: string, to: string, depthInfinity: boolean): void {
    this.dropUnder(projectId, to);
    if (depthInfinity) this.copyUnder.run(to, from, projectId, from, from, from);
    else for (const p of this.of(projectId, from)) this.put.run(projectId, to, p.ns, p.name, p.xml);
  }
}
