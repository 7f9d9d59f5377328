// The recorded sync runs (table sync_run of the index db): one JSON document per run and an integer seq, the
// collection cursor. Statements are prepared once: a run is recorded on every sync of every project.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SyncRun } from '../engine-types.ts';

export class SyncRunRepository {
  private ins: StatementSync;
  private byProject: StatementSync;
  private afterSeq: StatementSync;
  private latest: StatementSync;
  private prune: StatementSync;
  constructor(db: DatabaseSync) {
    this.prune = db.prepare('DELETE FROM sync_run WHERE seq <= ?');
    this.ins = db.prepare('INSERT INTO sync_run(id, project, kind, run) VALUES (?, ?, ?, ?) RETURNING seq');
    this.byProject = db.prepare('SELECT run FROM sync_run WHERE project = ? ORDER BY seq DESC LIMIT ?');
    this.afterSeq = db.prepare('SELECT seq, run FROM sync_run WHERE seq > ? ORDER BY seq LIMIT ?');
    this.latest = db.prepare(`SELECT run FROM sync_run WHERE project = ? AND kind = 'sync' ORDER BY seq DESC LIMIT 1`);
  }

  /** Stores the run; returns its seq. */
  insert(run: SyncRun): number {
    return (this.ins.get(run.id, run.project, run.kind, JSON.stringify(run)) as { seq: number }).seq;
  }

  /** Drops every run up to and including `seq`. */
  deleteUpTo(seq: number): void { this.prune.run(seq); }

  /** The project's runs, newest first. */
  newestOfProject(project: string, limit: number): SyncRun[] {
    return (this.byProject.all(project, limit) as { run: string }[]).map((r) => JSON.parse(r.run));
  }

  /** The project's latest sync (not rebuild), or null. */
  lastSync(project: string): SyncRun | null {
    const r = this.latest.get(project) as { run: string } | undefined;
    return r ? JSON.parse(r.run) : null;
  }

  /** Runs after `seq`, oldest first, with their seq. */
  runsAfter(seq: number, limit: number): { seq: number; run: SyncRun }[] {
    return (this.afterSeq.all(seq, limit) as { seq: number; run: string }[]).map((r) => ({ seq: r.seq, run: JSON.parse(r.run) }));
  }
}
