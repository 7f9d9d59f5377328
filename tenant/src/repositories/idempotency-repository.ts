// Stored successes of idempotent requests, in their own database (`<index-dir>/idempotency.sqlite`, not the
// index: the index is a cache rebuilt from the files, these answers must survive that). Keyed by (scope, key).
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface StoredAnswer { fingerprint: string; status: number; body: unknown; created_at: number }

export class IdempotencyRepository {
  private readonly db: DatabaseSync;
  constructor(indexDir: string) {
    this.db = new DatabaseSync(path.join(indexDir, 'idempotency.sqlite'));
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS idempotency (scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (scope, key))`);
  }

  find(scope: string, key: string): StoredAnswer | undefined {
    const row = this.db.prepare('SELECT fingerprint, status, body, created_at FROM idempotency WHERE scope = ? AND key = ?').get(scope, key) as
      { fingerprint: string; status: number; body: string; created_at: number } | undefined;
    return row && { fingerprint: row.fingerprint, status: row.status, body: JSON.parse(row.body), created_at: row.created_at };
  }

  /** Drops answers stored before `before` (ms since the epoch). */
  deleteOlderThan(before: number): void { this.db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(before); }

  save(scope: string, key: string, answer: StoredAnswer): void {
    this.db.prepare('INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(scope, key, answer.fingerprint, answer.status, JSON.stringify(answer.body), answer.created_at);
  }

  close(): void { try { this.db.close(); } catch { /* closed */ } }
}
