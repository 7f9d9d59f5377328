// Queries over the index. Prepared once; every tenant-owned query is scoped by project id.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Observation, Relation } from '../markdown/body.ts';
import { normalizePermalink } from '../markdown/permalink.ts';
import { projectToken } from './search-match.ts';

export interface ProjectRow { id: number; name: string; rel_path: string; last_file_count: number | null; last_sync_at: string | null }
/** A stored row as the scan keeps it: a plain array (node:sqlite returns arrays 2-3× faster than objects). */
export type StoredFile = [file_path: string, id: number, checksum: string | null, size: number, mtime_ms: number, ctime_ms: number, ino: number, seen?: boolean];
export const SF = { path: 0, id: 1, checksum: 2, size: 3, mtime: 4, ctime: 5, ino: 6, seen: 7 } as const;
export interface EntityRow {
  id: number; project_id: number; file_path: string; permalink: string | null; title: string; entity_type: string;
  content_type: string; entity_metadata: string; checksum: string | null; size: number | null; mtime_ms: number | null;
  ctime_ms: number | null; ino: number | null; observations: string; observation_count: number; created_at: string; updated_at: string;
}
export interface FileStat { size: number; mtimeMs: number; ctimeMs: number; ino: number; birthtimeMs: number }
export interface EntityFields {
  file_path: string; permalink: string | null; title: string; entity_type: string; content_type: string;
  entity_metadata: string; checksum: string; created_at: string; updated_at: string;
  observations: Observation[];
}
export interface FailureRow { path: string; failure_count: number; first_failed: string; last_error: string; size: number; mtime_ms: number; ctime_ms: number }

// Link targets repeat a lot (titles of popular notes): cache their permalinks.
const targetCache = new Map<string, string | null>();
function targetPermalink(t: string): string | null {
  let p = targetCache.get(t);
  if (p === undefined) {
    if (targetCache.size > 20000) targetCache.clear();
    p = normalizePermalink(t) || null;
    targetCache.set(t, p);
  }
  return p;
}

export class IndexStore {
  readonly db: DatabaseSync;
  private s: Record<string, StatementSync> = {};

  constructor(db: DatabaseSync) {
    this.db = db;
    const p = (k: string, sql: string) => { this.s[k] = db.prepare(sql); };
    p('projectByName', 'SELECT * FROM project WHERE name = ?');
    p('projects', 'SELECT * FROM project ORDER BY name');
    p('insertProject', 'INSERT INTO project(name, rel_path) VALUES (?, ?)');
    p('setProjectPath', 'UPDATE project SET rel_path = ?, last_file_count = NULL, last_sync_at = NULL WHERE id = ?');
    p('projectSynced', 'UPDATE project SET last_file_count = ?, last_sync_at = ? WHERE id = ?');
    p('storedFiles', 'SELECT file_path, id, checksum, size, mtime_ms, ctime_ms, ino FROM entity WHERE project_id = ?');
    this.s.storedFiles!.setReturnArrays(true);
    p('entityById', 'SELECT * FROM entity WHERE id = ?');
    p('entityByPath', 'SELECT * FROM entity WHERE project_id = ? AND file_path = ?');
    p('entityByPermalink', 'SELECT * FROM entity WHERE project_id = ? AND permalink = ?');
    p('entityByTitle', 'SELECT * FROM entity WHERE project_id = ? AND title = ? ORDER BY id LIMIT 1');
    p('permalinkOwner', 'SELECT id FROM entity WHERE project_id = ? AND permalink = ?');
    p('insertEntity', `INSERT INTO entity(project_id, file_path, permalink, title, entity_type, content_type, entity_metadata,
      checksum, size, mtime_ms, ctime_ms, ino, observations, observation_count, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    p('updateEntity', `UPDATE entity SET file_path=?, permalink=?, title=?, entity_type=?, content_type=?, entity_metadata=?,
      checksum=?, size=?, mtime_ms=?, ctime_ms=?, ino=?, observations=?, observation_count=?, updated_at=? WHERE id=?`);
    p('updateStat', 'UPDATE entity SET size=?, mtime_ms=?, ctime_ms=?, ino=? WHERE id=?');
    p('movePath', 'UPDATE entity SET file_path=?, size=?, mtime_ms=?, ctime_ms=?, ino=? WHERE id=?');
    p('deleteEntity', 'DELETE FROM entity WHERE id = ?');
    p('deleteSearch', 'DELETE FROM search WHERE rowid = ?');
    p('insertSearch', 'INSERT INTO search(rowid, title, content, permalink, project) VALUES (?, ?, ?, ?, ?)');
    p('deleteRels', 'DELETE FROM relation WHERE from_id = ?');
    p('insertRel', 'INSERT INTO relation(project_id, from_id, to_id, to_name, to_permalink, relation_type, context) VALUES (?,?,NULL,?,?,?,?)');
    p('failure', 'SELECT * FROM file_failure WHERE project_id = ? AND path = ?');
    p('failures', 'SELECT * FROM file_failure WHERE project_id = ? AND failure_count >= ?');
    p('upsertFailure', `INSERT INTO file_failure(project_id, path, failure_count, first_failed, last_error, size, mtime_ms, ctime_ms)
      VALUES (?,?,1,?,?,?,?,?) ON CONFLICT(project_id, path) DO UPDATE SET
      failure_count = CASE WHEN file_failure.size IS excluded.size AND file_failure.mtime_ms IS excluded.mtime_ms
        AND file_failure.ctime_ms IS excluded.ctime_ms THEN file_failure.failure_count + 1 ELSE 1 END,
      first_failed = CASE WHEN file_failure.size IS excluded.size AND file_failure.mtime_ms IS excluded.mtime_ms
        AND file_failure.ctime_ms IS excluded.ctime_ms THEN file_failure.first_failed ELSE excluded.first_failed END,
      last_error = excluded.last_error, size = excluded.size, mtime_ms = excluded.mtime_ms, ctime_ms = excluded.ctime_ms`);
    p('clearFailure', 'DELETE FROM file_failure WHERE project_id = ? AND path = ?');
    p('setWarning', `INSERT INTO entity_warning(entity_id, since, messages) VALUES (?, ?, ?) ON CONFLICT(entity_id) DO UPDATE SET
      since = CASE WHEN entity_warning.messages = excluded.messages THEN entity_warning.since ELSE excluded.since END, messages = excluded.messages`);
    p('clearWarning', 'DELETE FROM entity_warning WHERE entity_id = ?');
    p('warnings', `SELECT e.file_path AS path, w.since, w.messages FROM entity_warning w JOIN entity e ON e.id = w.entity_id
      WHERE e.project_id = ? ORDER BY e.file_path LIMIT ?`);
    p('warningCount', 'SELECT count(*) AS n FROM entity_warning w JOIN entity e ON e.id = w.entity_id WHERE e.project_id = ?');
    // forward references: upstream precedence permalink → title → file path; only rows that resolve are written
    p('unresolved', `SELECT r.id, COALESCE(
        (SELECT e.id FROM entity e WHERE e.project_id = r.project_id AND e.permalink = r.to_permalink AND e.id != r.from_id),
        (SELECT e.id FROM entity e WHERE e.project_id = r.project_id AND e.title = r.to_name AND e.id != r.from_id ORDER BY e.id LIMIT 1),
        (SELECT e.id FROM entity e WHERE e.project_id = r.project_id AND e.file_path IN (r.to_name, r.to_name || '.md') AND e.id != r.from_id
          ORDER BY e.id LIMIT 1)) AS target
      FROM relation r WHERE r.project_id = ? AND r.to_id IS NULL`);
    p('setRelationTarget', 'UPDATE relation SET to_id = ? WHERE id = ?');
  }

  st(k: string): StatementSync { return this.s[k]!; }

  tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try { const r = fn(); this.commit(); return r; } catch (e) { this.rollback(); throw e; }
  }
  begin(): void { this.db.exec('BEGIN IMMEDIATE'); }
  commit(): void { this.flushSearch(); this.db.exec('COMMIT'); }
  rollback(): void { this.pendingSearch = []; this.pendingBytes = 0; this.db.exec('ROLLBACK'); }

  // Search rows are written in bulk just before commit. FTS5 flushes its pending terms whenever another statement
  // opens a statement savepoint (any insert into a table with indexes/foreign keys), so interleaving one FTS insert
  // per note with the entity/observation inserts made a tiny FTS segment per note: 5× slower initial index.
  private pendingSearch: { id: number; projectId: number; title: string; content: string; permalink: string; replace: boolean }[] = [];
  private pendingBytes = 0;
  flushSearch(): void {
    for (const r of this.pendingSearch) {
      if (r.replace) this.s.deleteSearch!.run(r.id);
      this.s.insertSearch!.run(r.id, r.title, r.content, r.permalink, projectToken(r.projectId));
    }
    this.pendingSearch = [];
    this.pendingBytes = 0;
  }

  project(name: string): ProjectRow | undefined { return this.s.projectByName!.get(name) as ProjectRow | undefined; }
  projects(): ProjectRow[] { return this.s.projects!.all() as unknown as ProjectRow[]; }

  /** path → stored stat + checksum, the only per-file state a scan keeps in memory. */
  storedFiles(projectId: number): Map<string, StoredFile> {
    const m = new Map<string, StoredFile>();
    for (const r of this.s.storedFiles!.all(projectId) as unknown as StoredFile[]) m.set(r[0], r);
    return m;
  }

  entity(id: number): EntityRow | undefined { return this.s.entityById!.get(id) as EntityRow | undefined; }
  entityByPath(projectId: number, p: string): EntityRow | undefined { return this.s.entityByPath!.get(projectId, p) as EntityRow | undefined; }

  /** identifier = permalink, file path or title (upstream link-resolution order). */
  findEntity(projectId: number, identifier: string): EntityRow | undefined {
    const id = identifier.replace(/^\/+/, '');
    return (this.s.entityByPermalink!.get(projectId, id) ?? this.s.entityByPermalink!.get(projectId, normalizePermalink(id))
      ?? this.s.entityByPath!.get(projectId, id) ?? this.s.entityByPath!.get(projectId, `${id}.md`)
      ?? this.s.entityByTitle!.get(projectId, identifier)) as EntityRow | undefined;
  }

  permalinkOwner(projectId: number, permalink: string): number | undefined {
    return (this.s.permalinkOwner!.get(projectId, permalink) as { id: number } | undefined)?.id;
  }

  /** Frontmatter permalink if free (or ours) → our current one → generated; unique with -1, -2 … */
  uniquePermalink(projectId: number, selfId: number | null, wanted: string | null, current: string | null, generated: string): string {
    const free = (p: string) => { const o = this.permalinkOwner(projectId, p); return o === undefined || o === selfId; };
    if (wanted && free(wanted)) return wanted;
    if (current) return current;
    const base = wanted ?? generated;
    if (free(base)) return base;
    for (let i = 1; ; i++) if (free(`${base}-${i}`)) return `${base}-${i}`;
  }

  insertEntity(projectId: number, f: EntityFields, st: FileStat): number {
    const r = this.s.insertEntity!.run(projectId, f.file_path, f.permalink, f.title, f.entity_type, f.content_type, f.entity_metadata,
      f.checksum, st.size, st.mtimeMs, st.ctimeMs, st.ino, JSON.stringify(f.observations), f.observations.length, f.created_at, f.updated_at);
    return Number(r.lastInsertRowid);
  }

  updateEntity(id: number, f: EntityFields, st: FileStat): void {
    this.s.updateEntity!.run(f.file_path, f.permalink, f.title, f.entity_type, f.content_type, f.entity_metadata, f.checksum,
      st.size, st.mtimeMs, st.ctimeMs, st.ino, JSON.stringify(f.observations), f.observations.length, f.updated_at, id);
  }

  updateStat(id: number, st: FileStat): void { this.s.updateStat!.run(st.size, st.mtimeMs, st.ctimeMs, st.ino, id); }
  movePath(id: number, newPath: string, st: FileStat): void { this.s.movePath!.run(newPath, st.size, st.mtimeMs, st.ctimeMs, st.ino, id); }

  deleteEntity(id: number): void {
    if (this.pendingSearch.length) this.flushSearch();
    this.s.deleteSearch!.run(id);
    this.s.deleteEntity!.run(id); // outgoing relations cascade; incoming ones become forward references again
  }

  /** Queued until commit (or 1 MB of text): callers are always inside tx()/begin(). */
  setSearch(id: number, projectId: number, title: string, content: string, permalink: string | null, replace: boolean): void {
    this.pendingSearch.push({ id, projectId, title, content, permalink: permalink ?? '', replace });
    this.pendingBytes += content.length;
    if (this.pendingBytes > 1024 * 1024) this.flushSearch(); // bounded: note text waiting here survives young-gen GCs
  }

  setRelations(projectId: number, entityId: number, rels: Relation[], replace: boolean): void {
    if (replace) this.s.deleteRels!.run(entityId);
    for (const r of rels) this.s.insertRel!.run(projectId, entityId, r.target, targetPermalink(r.target), r.relation_type, r.context);
  }

  resolveRelations(projectId: number): number {
    let n = 0;
    for (const r of this.s.unresolved!.all(projectId) as { id: number; target: number | null }[]) {
      if (r.target !== null) { this.s.setRelationTarget!.run(r.target, r.id); n++; }
    }
    return n;
  }

  failure(projectId: number, p: string): FailureRow | undefined { return this.s.failure!.get(projectId, p) as FailureRow | undefined; }
  failures(projectId: number, min: number): FailureRow[] { return this.s.failures!.all(projectId, min) as unknown as FailureRow[]; }
  recordFailure(projectId: number, p: string, message: string, st: FileStat | null, now: string): void {
    this.s.upsertFailure!.run(projectId, p, now, message, st?.size ?? null, st?.mtimeMs ?? null, st?.ctimeMs ?? null);
  }
  clearFailure(projectId: number, p: string): void { this.s.clearFailure!.run(projectId, p); }
  /** The parse warnings of an entity's latest indexing ([] clears them); `since` stays while the messages are the same. */
  setWarnings(entityId: number, messages: string[], replace: boolean, at: string): void {
    if (messages.length) this.s.setWarning!.run(entityId, at, JSON.stringify(messages));
    else if (replace) this.s.clearWarning!.run(entityId);
  }
  warnings(projectId: number, limit: number): { path: string; since: string; messages: string[] }[] {
    return (this.s.warnings!.all(projectId, limit) as { path: string; since: string; messages: string }[]).map((r) => ({ ...r, messages: JSON.parse(r.messages) as string[] }));
  }
  warningCount(projectId: number): number { return (this.s.warningCount!.get(projectId) as { n: number }).n; }
}
