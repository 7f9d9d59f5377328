// The SQLite index: a cache of the files, rebuilt from them whenever missing or of another schema version.
import { DatabaseSync } from 'node:sqlite';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// 4: the search table has a project column (see DDL); an index of 3 is rebuilt from the files on open.
const SCHEMA_VERSION = '4';
const INDEX_FILE = 'index.sqlite';

const DDL = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS project(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, rel_path TEXT NOT NULL,
  last_file_count INTEGER, last_sync_at TEXT);
CREATE TABLE IF NOT EXISTS entity(
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
  file_path TEXT NOT NULL, permalink TEXT, title TEXT NOT NULL,
  entity_type TEXT NOT NULL, content_type TEXT NOT NULL, entity_metadata TEXT NOT NULL DEFAULT '{}',
  checksum TEXT, size INTEGER, mtime_ms REAL, ctime_ms REAL, ino INTEGER,
  -- observations live with their note (always read and written together): one row write per note, not one per line
  observations TEXT NOT NULL DEFAULT '[]', observation_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE(project_id, file_path));
CREATE UNIQUE INDEX IF NOT EXISTS entity_permalink ON entity(project_id, permalink) WHERE permalink IS NOT NULL;
CREATE INDEX IF NOT EXISTS entity_title ON entity(project_id, title);
CREATE TABLE IF NOT EXISTS relation(
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, -- no FK: relations go with their source entity
  from_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
  to_id INTEGER REFERENCES entity(id) ON DELETE SET NULL,
  to_name TEXT NOT NULL, to_permalink TEXT, relation_type TEXT NOT NULL, context TEXT);
CREATE INDEX IF NOT EXISTS relation_from ON relation(from_id);
CREATE INDEX IF NOT EXISTS relation_to ON relation(to_id);
CREATE INDEX IF NOT EXISTS relation_unresolved ON relation(project_id) WHERE to_id IS NULL;
-- rowid = entity.id; observations are part of the note text, so they are searchable too. project holds one token,
-- the project's (search-match.ts), matched in the MATCH itself: FTS5 then ranks only the project's rows, not every project's.
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(title, content, permalink, project, tokenize='unicode61 remove_diacritics 2');
-- circuit breaker: persisted so a restart does not give a poisoned file three more tries
CREATE TABLE IF NOT EXISTS file_failure(
  project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE, path TEXT NOT NULL,
  failure_count INTEGER NOT NULL, first_failed TEXT NOT NULL, last_error TEXT NOT NULL,
  size INTEGER, mtime_ms REAL, ctime_ms REAL, PRIMARY KEY(project_id, path));
CREATE TABLE IF NOT EXISTS sync_run(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, project TEXT, kind TEXT NOT NULL, run TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sync_run_project ON sync_run(project, seq);
`;

// Indexes added after a schema version shipped: created on open of any index (cheap, idempotent), so adding one
// does not force every tenant to rebuild its index.
const ENSURE = `
CREATE INDEX IF NOT EXISTS entity_updated ON entity(project_id, updated_at); -- recent activity, newest first
-- what the engine could not read fully in a file as it is now (parse warnings of its last indexing); goes with the entity
CREATE TABLE IF NOT EXISTS entity_warning(
  entity_id INTEGER PRIMARY KEY REFERENCES entity(id) ON DELETE CASCADE, since TEXT NOT NULL, messages TEXT NOT NULL);
`;

export interface OpenedIndex { db: DatabaseSync; existed: boolean; instanceId: string; file: string }

function applyPragmas(db: DatabaseSync): void {
  db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;
    PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192; PRAGMA wal_autocheckpoint=4096;`);
}

function removeDbFiles(file: string): void {
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
}

export function openIndex(indexDir: string): OpenedIndex {
  fs.mkdirSync(indexDir, { recursive: true });
  const file = path.join(indexDir, INDEX_FILE);
  let existed = fs.existsSync(file);
  if (existed) {
    // A cache of another schema version, or a corrupt one, is simply rebuilt.
    try {
      const db = new DatabaseSync(file);
      applyPragmas(db);
      const row = db.prepare(`SELECT value FROM meta WHERE key='schema_version'`).get() as { value: string } | undefined;
      const inst = db.prepare(`SELECT value FROM meta WHERE key='instance_id'`).get() as { value: string } | undefined;
      if (row?.value === SCHEMA_VERSION && inst) { db.exec(ENSURE); return { db, existed: true, instanceId: inst.value, file }; }
      db.close();
    } catch { /* fall through to rebuild */ }
    removeDbFiles(file);
    existed = false;
  }
  const db = new DatabaseSync(file);
  applyPragmas(db);
  db.exec(DDL);
  db.exec(ENSURE);
  const instanceId = crypto.randomBytes(8).toString('hex');
  db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
  db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run('instance_id', instanceId);
  return { db, existed, instanceId, file };
}
