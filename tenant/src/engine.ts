// TenantEngine: the one facade the tenant process uses for sync, index, notes and search.
// One writer globally (a mutex around every write: sync apply, note writes); syncs coalesce per project:
// a sync requested while one runs for that project gets the next run (at most one queued).
import fs from 'node:fs';
import path from 'node:path';
import type pino from 'pino';
import { NotFoundError, type DirectoryNode, type EntityResponse, type ProjectInfoStatistics, type SearchPage,
  type SyncReportResponse, type SyncRun } from './engine-types.ts';
import type { RunTrigger } from './sync/run-vocabulary.ts';
import { openIndex } from './index/schema.ts';
import { IndexStore, type ProjectRow } from './index/store.ts';
import { generatePermalink } from './markdown/permalink.ts';
import { directoryTree, listDirectory } from './notes/directory.ts';
import { entityResponse } from './notes/entity-response.ts';
import { deleteNote, moveEntityFile, moveNote, readResource, writeNote, type WriteNoteInput } from './notes/notes.ts';
import { deleteDirectory, moveDirectory, type DirectoryDeleteResult, type DirectoryMoveResult } from './notes/directory-ops.ts';
import { knowledgeGraph, orphanEntities } from './notes/graph.ts';
import { entitiesByPermalinkGlob, indexedBytes, indexedFileChecksums, indexedFileStates, type GraphNodeRow } from './repositories/entity-repository.ts';
import { deleteProject, deleteProjectEntities } from './repositories/project-repository.ts';
import type { GraphEdgeRow } from './repositories/relation-repository.ts';
import { indexOneFile } from './notes/index-one-file.ts';
import { NoteSchemas } from './notes/schema-notes.ts';
import { editNote, putNote, type PutNoteInput } from './notes/entity-write.ts';
import type { EditInput } from './notes/edit-operations.ts';
import { resolveEntity } from './notes/link-resolver.ts';
import { MemoryContext } from './notes/memory-context.ts';
import type { ImportedNote } from './notes/importers.ts';
import { writeImportedNotes, type ImportWriteResult } from './notes/import-write.ts';
import { entityByExternalId } from './notes/entity-external-id.ts';
import type { EntityRow } from './index/store.ts';
import { projectStatistics } from './notes/project-info.ts';
import { commitUpload, type CommitOptions, type PutResourceResult, type StagedUpload } from './notes/put-resource.ts';
import { registerAnchor } from './fs/confined-fs.ts';
import type { Trash } from './notes/trash.ts';
import { confine } from './fs/safe-path.ts';
import { searchProject, type SearchQuery } from './notes/search.ts';
import { Mutex } from './sync/mutex.ts';
import { MAX_FAILURES } from './sync/sync-plan.ts';
import { lstatConfined } from './fs/confined-fs.ts';
import { reindexProjectSearch } from './sync/reindex-search.ts';
import { RssSampler } from './sync/rss-sampler.ts';
import { syncProject, type ProjectSyncResult, type SyncHooks } from './sync/sync-project.ts';
import { SyncRunLog, uuidv7 } from './sync/sync-run.ts';

export * from './engine-types.ts';

export interface EngineOptions {
  dataDir: string; indexDir: string; logger?: pino.Logger;
  /** tests only */
  hooks?: SyncHooks;
  /** files touched this close to a scan are re-hashed by the next one (default 2000 ms); tests set 0 to prove the stat compare alone */
  racyWindowMs?: number;
  /** where API deletes go (restorable); without one a delete unlinks */
  trash?: Trash;
}

interface ProjectSyncState {
  running: Promise<SyncRun> | null; queued: Promise<SyncRun> | null; queuedForce: boolean; queuedTrigger: RunTrigger;
  /** What the running sync was asked for, and since when (for GET /sync-runs/active). */
  runningSince: string | null; runningTrigger: RunTrigger; runningForce: boolean;
}

export interface ActiveSync { project: string; trigger: RunTrigger; force: boolean; since: string; queued: boolean }

export class TenantEngine {
  readonly indexExisted: boolean;
  readonly instanceId: string;
  readonly dataDir: string;
  readonly indexFile: string;
  private store: IndexStore;
  private runs: SyncRunLog;
  private writer = new Mutex();
  private states = new Map<string, ProjectSyncState>();
  private log: pino.Logger | undefined;
  private hooks: SyncHooks | undefined;
  private racyWindowMs: number | undefined;
  private trash: Trash | undefined;
  private closed = false;

  private constructor(opts: EngineOptions) {
    this.dataDir = path.resolve(opts.dataDir);
    // every file operation under the data dir walks from here without following links (confined-fs)
    registerAnchor(this.dataDir);
    const idx = openIndex(opts.indexDir);
    this.indexExisted = idx.existed;
    this.instanceId = idx.instanceId;
    this.indexFile = idx.file;
    this.store = new IndexStore(idx.db);
    this.runs = new SyncRunLog(idx.db);
    this.log = opts.logger;
    this.hooks = opts.hooks;
    this.racyWindowMs = opts.racyWindowMs;
    this.trash = opts.trash;
  }

  /** Opens (or creates) the index; an index of another schema version or an unreadable one is rebuilt. */
  static open(opts: EngineOptions): TenantEngine { return new TenantEngine(opts); }

  private project(name: string): ProjectRow {
    if (this.closed) throw new Error('engine is closed');
    const p = this.store.project(name) ?? this.store.projects().find((x) => generatePermalink(x.name) === generatePermalink(name));
    if (!p) throw new NotFoundError(`Project '${name}' not found.`);
    return p;
  }
  private root(p: ProjectRow): string { return path.join(this.dataDir, p.rel_path); }

  /** Projects live at <dataDir>/<relPath>. Idempotent; a new relPath drops the old rows (they described other files). */
  registerProject(name: string, relPath: string): void {
    const rel = confine(this.dataDir, relPath, { allowHidden: true }).rel;
    const existing = this.store.project(name);
    if (!existing) { this.store.st('insertProject').run(name, rel); return; }
    if (existing.rel_path !== rel) {
      this.store.tx(() => {
        deleteProjectEntities(this.store.db, existing.id);
        this.store.st('setProjectPath').run(rel, existing.id);
      });
    }
  }

  /** Drops the project's index rows; never touches files. Its recorded runs stay (history). */
  unregisterProject(name: string): void {
    const p = this.store.project(name);
    if (!p) return;
    this.store.tx(() => {
      deleteProject(this.store.db, p.id);
    });
    this.states.delete(name);
  }

  sync(project: string, opts: { trigger: RunTrigger; force?: boolean }): Promise<SyncRun> {
    let name: string;
    try { name = this.project(project).name; } catch (e) { return Promise.reject(e); }
    let s = this.states.get(name);
    if (!s) {
      s = { running: null, queued: null, queuedForce: false, queuedTrigger: opts.trigger, runningSince: null, runningTrigger: opts.trigger, runningForce: false };
      this.states.set(name, s);
    }
    const st = s;
    const start = (trigger: RunTrigger, force: boolean): Promise<SyncRun> => {
      const run = this.runSync(name, trigger, force);
      st.running = run;
      st.runningSince = new Date().toISOString();
      st.runningTrigger = trigger;
      st.runningForce = force;
      run.then(() => { if (st.running === run) st.running = null; }, () => { if (st.running === run) st.running = null; });
      return run;
    };
    if (!st.running) return start(opts.trigger, !!opts.force);
    if (st.queued) { if (opts.force) st.queuedForce = true; return st.queued; }
    st.queuedForce = !!opts.force;
    st.queuedTrigger = opts.trigger;
    const queued = st.running.then(() => undefined, () => undefined).then(() => {
      st.queued = null;
      return start(st.queuedTrigger, st.queuedForce);
    });
    st.queued = queued;
    return queued;
  }

  /** Syncs in flight now (running, or waiting for the one writer), one entry per project. */
  activeSyncs(): ActiveSync[] {
    const out: ActiveSync[] = [];
    for (const [project, st] of this.states) {
      if (st.running && st.runningSince) out.push({ project, trigger: st.runningTrigger, force: st.runningForce, since: st.runningSince, queued: !!st.queued });
    }
    return out;
  }

  private runSync(name: string, trigger: RunTrigger, force: boolean): Promise<SyncRun> {
    return this.writer.run(async () => {
      const startedAt = new Date();
      const t0 = performance.now();
      const rss = new RssSampler();
      let res: ProjectSyncResult | null = null;
      let failure: string | null = null;
      try {
        const p = this.project(name);
        res = await syncProject(this.store, { id: p.id, name: p.name, root: this.root(p), lastFileCount: p.last_file_count },
          { force, dryRun: false, hooks: this.hooks, racyWindowMs: this.racyWindowMs });
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
      }
      const finishedAt = new Date();
      const peakRssBytes = rss.stop();
      const report: SyncReportResponse | undefined = res ? {
        new: res.new, modified: res.modified, deleted: res.deleted, moves: res.moves, checksums: res.checksums, skipped_files: res.skipped,
        total: res.newCount + res.modifiedCount + res.deleted.length + Object.keys(res.moves).length,
        ...(res.truncated ? { truncated: true } : {}),
      } : undefined;
      const run: SyncRun = {
        id: uuidv7(), kind: 'sync', project: name, trigger, scan_type: res?.scanType ?? (force ? 'full_forced' : null),
        status: failure ? 'failed' : 'ok', started_at: startedAt.toISOString(), finished_at: finishedAt.toISOString(),
        duration_ms: Math.round(performance.now() - t0), scan_ms: Math.round(res?.scanMs ?? 0), apply_ms: Math.round(res?.applyMs ?? 0),
        files_scanned: res?.filesScanned ?? 0, new: res?.newCount ?? 0, modified: res?.modifiedCount ?? 0,
        deleted: res?.deleted.length ?? 0, moved: res ? Object.keys(res.moves).length : 0, skipped: res?.skipped.length ?? 0,
        errors: failure ? [{ path: '', message: failure }] : res!.errors, warnings: res?.warnings ?? [],
        skipped_files: res?.skipped ?? [], peak_rss_bytes: peakRssBytes, report,
      };
      if (!this.closed) this.runs.record(run);
      this.log?.[failure ? 'error' : 'info']({ project: name, trigger, scan_type: run.scan_type, duration_ms: run.duration_ms,
        scan_ms: run.scan_ms, apply_ms: run.apply_ms, files: run.files_scanned, new: run.new, modified: run.modified, deleted: run.deleted,
        moved: run.moved, skipped: run.skipped, errors: run.errors.length, error: failure ?? undefined }, 'sync run finished');
      return run;
    });
  }

  /** Read-only detection (POST /{project}/project/status): nothing is written, the scan-type label is not advanced. */
  async scan(project: string): Promise<SyncReportResponse> {
    const p = this.project(project);
    const r = await syncProject(this.store, { id: p.id, name: p.name, root: this.root(p), lastFileCount: p.last_file_count }, { force: false, dryRun: true });
    return { new: r.new, modified: r.modified, deleted: r.deleted, moves: r.moves, checksums: r.checksums, skipped_files: r.skipped,
      total: r.newCount + r.modifiedCount + r.deleted.length + Object.keys(r.moves).length, ...(r.truncated ? { truncated: true } : {}) };
  }

  /** Start-up: sync every project (trigger 'startup'), then record one kind:'rebuild' run covering them all. */
  async rebuildAll(projects: string[]): Promise<SyncRun> {
    const startedAt = new Date();
    const t0 = performance.now();
    const rss = new RssSampler();
    const results: SyncRun[] = [];
    const errors: { path: string; message: string }[] = [];
    for (const name of projects) {
      try { results.push(await this.sync(name, { trigger: 'startup' })); } catch (e) { errors.push({ path: name, message: (e as Error).message }); }
    }
    const sum = (k: 'files_scanned' | 'new' | 'modified' | 'deleted' | 'moved' | 'skipped' | 'scan_ms' | 'apply_ms') => results.reduce((a, r) => a + r[k], 0);
    for (const r of results) if (r.status === 'failed') errors.push(...r.errors.map((e) => ({ path: e.path ? `${r.project}/${e.path}` : r.project!, message: e.message })));
    const run: SyncRun = {
      id: uuidv7(), kind: 'rebuild', project: null, trigger: 'startup', scan_type: null,
      status: results.some((r) => r.status === 'failed') || errors.length ? 'failed' : 'ok',
      started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), duration_ms: Math.round(performance.now() - t0),
      scan_ms: sum('scan_ms'), apply_ms: sum('apply_ms'), files_scanned: sum('files_scanned'), new: sum('new'), modified: sum('modified'),
      deleted: sum('deleted'), moved: sum('moved'), skipped: sum('skipped'), errors: errors.slice(0, 500),
      skipped_files: results.flatMap((r) => r.skipped_files.map((f) => ({ ...f, path: `${r.project}/${f.path}` }))),
      peak_rss_bytes: Math.max(rss.stop(), ...results.map((r) => r.peak_rss_bytes)), mode: this.indexExisted ? 'catch_up' : 'rebuild', projects: results.map((r) => r.project!),
    };
    if (!this.closed) this.runs.record(run);
    this.log?.info({ mode: run.mode, duration_ms: run.duration_ms, files: run.files_scanned, projects: projects.length }, 'index rebuild finished');
    return run;
  }

  /** Drops and rewrites the project's search rows from its files (one writer: waits for a running sync). */
  reindexSearch(project: string): Promise<number> {
    return this.writer.run(() => { const p = this.project(project); return reindexProjectSearch(this.store, p.id, this.root(p)); });
  }

  listRuns(project: string, limit: number): SyncRun[] { return this.runs.list(project, limit); }

  /**
   * Files of a project with a problem *now*, whichever run first met it: files that failed to index (retried each
   * sync; `skipped` once the circuit breaker holds them) and files indexed with parse warnings (broken frontmatter,
   * invalid UTF-8, binary content in a .md…). A problem goes when the file is fixed or gone.
   */
  currentProblems(project: string, limit = 100): CurrentProblems {
    const p = this.project(project);
    const root = this.root(p);
    const failures = this.store.failures(p.id, 1).filter((f) => {
      if (lstatConfined(path.join(root, f.path))) return true;
      this.store.clearFailure(p.id, f.path); // gone from disk: no longer a problem
      return false;
    });
    const files: CurrentProblem[] = failures.map((f) => ({
      path: f.path, kind: f.failure_count >= MAX_FAILURES ? 'skipped' as const : 'error' as const, message: f.last_error,
      since: f.first_failed, failure_count: f.failure_count,
    }));
    for (const w of this.store.warnings(p.id, limit)) files.push({ path: w.path, kind: 'warning', message: w.messages.join('; '), since: w.since, failure_count: 0 });
    const errors = files.filter((f) => f.kind === 'error').length;
    const skipped = files.filter((f) => f.kind === 'skipped').length;
    return { project: p.name, errors, skipped, warnings: this.store.warningCount(p.id), files: files.slice(0, limit) };
  }

  runsAfter(cursor: string | null, limit: number): { runs: SyncRun[]; next_cursor: string; instance_id: string } {
    return this.runs.runsAfter(this.instanceId, cursor, limit);
  }

  search(project: string, q: SearchQuery): SearchPage {
    return searchProject(this.store, this.project(project).id, q);
  }

  writeNote(project: string, input: WriteNoteInput): Promise<EntityResponse> {
    return this.writer.run(() => { const p = this.project(project); return writeNote(this.store, p.id, this.root(p), input); });
  }

  /** PUT /{project}/resource/{path}: the staged upload replaces the file and is indexed at once (one writer). */
  putResource(project: string, relPath: string, staged: StagedUpload, opts: CommitOptions = {}): Promise<PutResourceResult> {
    return this.writer.run(() => { const p = this.project(project); return commitUpload(this.store, p.id, this.root(p), relPath, staged, opts); });
  }

  /**
   * Runs `fn` as the one writer (WebDAV DELETE/MOVE/COPY/MKCOL change files outside the note API) with the
   * project's id, root and the index; the caller updates the index or asks for a sync afterwards.
   */
  exclusive<T>(project: string, fn: (ctx: { projectId: number; root: string; store: IndexStore }) => T | Promise<T>): Promise<T> {
    return this.writer.run(async () => { const p = this.project(project); return fn({ projectId: p.id, root: this.root(p), store: this.store }); });
  }

  /** The index's id of a project (read side, no writer lock). */
  projectIdOf(project: string): number { return this.project(project).id; }

  /** Storage used by every project's indexed files, in bytes (the quota's measure). */
  indexedBytes(): number {
    return indexedBytes(this.store.db);
  }

  /** The index's database (WebDAV keeps its MD5 cache beside the entities). */
  get indexDb(): IndexStore['db'] { return this.store.db; }

  readResource(project: string, relPath: string): { absPath: string; size: number; contentType: string } {
    const p = this.project(project);
    return readResource(this.store, p.id, this.root(p), relPath);
  }

  deleteNote(project: string, identifier: string, expected: string | null = null): Promise<boolean> {
    return this.writer.run(() => {
      const p = this.project(project);
      return deleteNote(this.store, p.id, this.root(p), identifier, expected, this.trash ? { trash: this.trash, project: p.name } : undefined);
    });
  }

  moveNote(project: string, identifier: string, destinationPath: string): Promise<EntityResponse> {
    return this.writer.run(() => { const p = this.project(project); return moveNote(this.store, p.id, this.root(p), identifier, destinationPath); });
  }

  /** v2 move by entity id: this indexed row (re-read under the writer lock), not a re-resolved identifier. */
  moveEntity(project: string, row: EntityRow, destinationPath: string): Promise<EntityResponse> {
    return this.writer.run(() => {
      const p = this.project(project);
      const e = this.store.entity(row.id);
      if (!e) throw new NotFoundError(`Entity not found: ${row.file_path}`);
      return moveEntityFile(this.store, p.id, this.root(p), e, destinationPath);
    });
  }

  /** v2 move-directory: every indexed file under `source` ('' never) to the same place under `destination`. */
  moveDirectory(project: string, source: string, destination: string): Promise<DirectoryMoveResult> {
    return this.writer.run(() => { const p = this.project(project); return moveDirectory(this.store, p.id, this.root(p), source, destination); });
  }

  /** v2 delete-directory: every indexed file under `dir` ('' = the project) to the trash. */
  deleteDirectory(project: string, dir: string): Promise<DirectoryDeleteResult> {
    return this.writer.run(() => {
      const p = this.project(project);
      return deleteDirectory(this.store, p.id, this.root(p), dir, this.trash ? { trash: this.trash, project: p.name } : undefined);
    });
  }

  /** v2 sync-file / index-file: index one markdown file on disk now. */
  indexOneFile(project: string, givenPath: string): Promise<EntityResponse> {
    return this.writer.run(() => {
      const p = this.project(project);
      return entityResponse(this.store, indexOneFile(this.store, p.id, this.root(p), givenPath));
    });
  }

  /** v2 graph: notes and resolved relations. */
  graph(project: string): { nodes: GraphNodeRow[]; edges: GraphEdgeRow[] } { return knowledgeGraph(this.store, this.project(project).id); }

  /** v2 orphans: notes with no relation either way. */
  orphans(project: string): GraphNodeRow[] { return orphanEntities(this.store, this.project(project).id); }

  /** The indexed row at exactly this project-relative path. */
  entityAtPath(project: string, rel: string): EntityRow | undefined { return this.store.entityByPath(this.project(project).id, rel); }

  /** Runs fn as the one writer, not tied to a project (trash restores and purges). */
  asWriter<T>(fn: () => T | Promise<T>): Promise<T> { return this.writer.run(async () => fn()); }

  /** GET /knowledge/entities/{identifier}: upstream link resolution (strict: no full-text fallback). */
  getEntity(project: string, identifier: string, opts: { strict?: boolean } = {}): EntityResponse | null {
    const p = this.project(project);
    const e = resolveEntity(this.store, p.id, identifier, { strict: opts.strict ?? false });
    return e ? entityResponse(this.store, e) : null;
  }

  /** The index row of a note (strict resolution), for routes that read the file themselves. */
  entityRow(project: string, identifier: string): { row: EntityRow; root: string } | null {
    const p = this.project(project);
    const e = resolveEntity(this.store, p.id, identifier, { strict: true });
    return e ? { row: e, root: this.root(p) } : null;
  }

  /** GET /knowledge/entities?permalink=…: the notes found, in the order asked, missing ones left out. */
  entitiesByPermalinks(project: string, permalinks: string[]): EntityResponse[] {
    const p = this.project(project);
    const out: EntityResponse[] = [];
    for (const pl of permalinks) {
      const e = this.store.st('entityByPermalink').get(p.id, pl.replace(/^\/+/, '')) as EntityRow | undefined;
      if (e) out.push(entityResponse(this.store, e));
    }
    return out;
  }

  /** Entities whose permalink matches a GLOB, newest first, one page (+1 to tell whether more exist). */
  entitiesByGlob(project: string, glob: string, limit: number, offset: number): { rows: EntityRow[]; root: string } {
    const p = this.project(project);
    return { rows: entitiesByPermalinkGlob(this.store.db, p.id, glob, limit, offset), root: this.root(p) };
  }

  putNote(project: string, urlPermalink: string, input: PutNoteInput, expected: string | null, target?: EntityRow): Promise<{ entity: EntityResponse; created: boolean }> {
    return this.writer.run(() => {
      const p = this.project(project);
      // re-read the target under the writer lock: it may have moved or gone since the route looked it up
      const t = target ? this.store.entity(target.id) : undefined;
      return putNote(this.store, p.id, this.root(p), urlPermalink, input, expected, t ? { target: t } : {});
    });
  }

  editNote(project: string, identifier: string, edit: EditInput, expected: string | null): Promise<EntityResponse> {
    return this.writer.run(() => { const p = this.project(project); return editNote(this.store, p.id, this.root(p), identifier, edit, expected); });
  }

  /** v2: the note with this derived external_id, or undefined. */
  entityByExternalId(project: string, projectExternalId: string, externalId: string): EntityRow | undefined {
    return entityByExternalId(this.store, this.project(project).id, projectExternalId, externalId);
  }

  entityResponseOf(row: EntityRow): EntityResponse { return entityResponse(this.store, row); }

  /** HEAD's /status: every indexed file with its checksum and size. */
  observedFiles(project: string): { path: string; checksum: string | null; size: number | null }[] {
    const p = this.project(project);
    return indexedFileStates(this.store.db, p.id);
  }

  /** POST /import/*: the parsed export's notes are written and indexed (one writer). */
  importNotes(project: string, notes: ImportedNote[]): Promise<ImportWriteResult> {
    return this.writer.run(() => { const p = this.project(project); return writeImportedNotes(this.store, p.id, this.root(p), notes); });
  }

  /** Note schemas of one project: validate, infer, diff (reads only). */
  noteSchemas(project: string): NoteSchemas { const p = this.project(project); return new NoteSchemas(this.store, p.id, this.root(p)); }

  /** Reads over the graph (recent activity, build context) of one project. */
  memory(project: string, projectExternalId: string): MemoryContext {
    return new MemoryContext(this.store, this.project(project).id, projectExternalId, generatePermalink(project));
  }

  /** Every indexed file of the project with its checksum (sorted by path): for tests and consistency checks. */
  indexedFiles(project: string): { file_path: string; checksum: string | null; id: number }[] {
    const p = this.project(project);
    return indexedFileChecksums(this.store.db, p.id);
  }

  /** Registered projects as stored in the index (name, project-relative path). */
  projects(): { name: string; rel_path: string; last_sync_at: string | null }[] {
    return this.store.projects().map((p) => ({ name: p.name, rel_path: p.rel_path, last_sync_at: p.last_sync_at }));
  }

  /** dir: project-relative ('' or '/' = the project root); depth ≥ 1. */
  listDirectory(project: string, dir: string, depth: number): DirectoryNode[] {
    const p = this.project(project);
    const d = typeof dir === 'string' ? dir.replace(/^\/+/, '') : '';
    const rel = confine(this.root(p), d, { allowRoot: true }).rel;
    return listDirectory(this.store, p.id, rel, depth);
  }

  /** GET /directory/tree (files) and /directory/structure (folders only). */
  directoryTree(project: string, files: boolean): DirectoryNode {
    return directoryTree(this.store, this.project(project).id, { files });
  }

  projectInfo(project: string): ProjectInfoStatistics {
    const p = this.project(project);
    let size = 0;
    for (const s of ['', '-wal']) size += fs.statSync(this.indexFile + s, { throwIfNoEntry: false })?.size ?? 0;
    return { ...projectStatistics(this.store, p.id), index: { database_path: this.indexFile, database_size_bytes: size, last_sync: this.runs.last(p.name) } };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.store.db.exec('PRAGMA optimize'); } catch { /* best effort */ }
    this.store.db.close();
  }
}


interface CurrentProblem { path: string; kind: 'error' | 'skipped' | 'warning'; message: string; since: string; failure_count: number }
export interface CurrentProblems { project: string; errors: number; skipped: number; warnings: number; files: CurrentProblem[] }
