// Wires the engine, the project registry, the schedule and the metrics of one tenant process, and
// runs the start-up rebuild. The HTTP layer talks to this object, never to the pieces directly.
import type pino from 'pino';
import { TenantEngine, type SyncReportResponse, type SyncRun } from './engine.ts';
import type { RunTrigger } from './sync/run-vocabulary.ts';
import { TenantMetrics } from './metrics.ts';
import { discoverProjects } from './projects/project-discovery.ts';
import { ProjectRegistry, type Project } from './projects/project-registry.ts';
import { DISCOVERY_KEY, SyncSchedule } from './schedule/sync-schedule.ts';
import { NoteHistory, type HistoryLimits } from './history/note-history.ts';
import { sweepTempFiles } from './fs/temp-sweep.ts';
import { Trash } from './notes/trash.ts';
import { IdempotencyStore } from './http/idempotency.ts';
import { SnapshotStore, sweepRestoreLeftovers } from './snapshots/snapshot-store.ts';
import path from 'node:path';
import { ActivityTracker } from './http/activity.ts';

export type StartupState =
  | { status: 'rebuilding'; started_at: string }
  | { status: 'ok'; started_at: string; rebuild: { started_at: string; finished_at: string; duration_ms: number; files: number; mode: string } };

export type RuntimeOptions = {
  dataDir: string;
  indexDir: string;
  tenantId: string;
  syncIntervalSeconds: number;
  version: string;
  logger: pino.Logger;
  /** cap of one streamed PUT /{project}/resource upload (default 100 MiB) */
  maxUploadBytes?: number;
  /** storage quota of all projects' files together (0 or absent = none) */
  quotaBytes?: number;
  /** deleted notes/files/projects stay in the trash this long (default 30 days) */
  trashRetentionDays?: number;
  idempotencyWindowSeconds?: number;
  /** restic repository + password file of this tenant's snapshots (absent: the snapshot routes answer 503) */
  snapshots?: { repository: string; passwordFile: string; bin?: string; env?: Record<string, string> };
  /** the per-write note history (absent: none); never inside the data dir */
  history?: { dir: string; limits?: Partial<HistoryLimits> };
};

export const EMPTY_REPORT: SyncReportResponse = { new: [], modified: [], deleted: [], moves: {}, checksums: {}, skipped_files: [], total: 0 };

export class TenantRuntime {
  readonly engine: TenantEngine;
  readonly registry: ProjectRegistry;
  readonly metrics = new TenantMetrics();
  /** Requests and syncs, for the idle time /health reports (the supervisor puts idle tenants to sleep). */
  readonly activity = new ActivityTracker();
  readonly schedule: SyncSchedule;
  readonly version: string;
  readonly tenantId: string;
  readonly indexDir: string;
  readonly logger: pino.Logger;
  readonly maxUploadBytes: number;
  readonly quotaBytes: number;
  readonly trash: Trash;
  readonly idempotency: IdempotencyStore;
  readonly snapshots: SnapshotStore | null;
  readonly history: NoteHistory | null;
  private trashTimer: NodeJS.Timeout | null = null;
  startup: StartupState = { status: 'rebuilding', started_at: new Date().toISOString() };
  private readonly pending = new Set<Promise<unknown>>();
  closing = false;
  private closed = false;

  constructor(opts: RuntimeOptions) {
    this.logger = opts.logger;
    this.version = opts.version;
    this.tenantId = opts.tenantId;
    this.indexDir = opts.indexDir;
    this.maxUploadBytes = opts.maxUploadBytes ?? 100 * 1024 * 1024;
    this.quotaBytes = opts.quotaBytes ?? 0;
    this.idempotency = new IdempotencyStore(opts.indexDir, { windowSeconds: opts.idempotencyWindowSeconds });
    this.trash = new Trash(opts.dataDir, { retentionDays: opts.trashRetentionDays });
    this.registry = new ProjectRegistry(opts.dataDir, opts.logger, this.trash);
    this.snapshots = opts.snapshots
      ? new SnapshotStore({ ...opts.snapshots, dataDir: opts.dataDir, cacheDir: path.join(opts.indexDir, 'restic-cache') }, this.trash, opts.tenantId)
      : null;
    this.history = opts.history && opts.history.limits?.maxVersions !== 0
      ? new NoteHistory({ dir: opts.history.dir, dataDir: opts.dataDir, limits: opts.history.limits, onError: (err, what) => this.logger.warn({ err }, `note history: ${what} failed`) }).register()
      : null;
    this.engine = TenantEngine.open({ dataDir: opts.dataDir, indexDir: opts.indexDir, logger: opts.logger, trash: this.trash });
    this.schedule = new SyncSchedule({ intervalSeconds: opts.syncIntervalSeconds, tenantId: opts.tenantId, logger: opts.logger });
  }

  /** Bytes a write may still add when it replaces `replacedBytes` (Infinity without a quota). */
  quotaRoom(replacedBytes = 0): number {
    if (!this.quotaBytes) return Infinity;
    return this.quotaBytes - this.engine.indexedBytes() + replacedBytes;
  }

  /** Milliseconds without a request, a sync or a rebuild (0 while one runs). */
  idleMs(): number {
    return this.activity.idleMs(this.pending.size);
  }

  get ready(): boolean {
    return this.startup.status === 'ok';
  }

  /** Registers what config.json and the data dir hold (a fresh data dir gets "main", like upstream). */
  async prepareProjects(): Promise<void> {
    // leftovers of writes a crash interrupted: gone before anything is indexed or served
    const swept = sweepTempFiles(this.registry.dataDir);
    sweepRestoreLeftovers(this.registry.dataDir);
    if (swept.length) this.logger.warn({ count: swept.length, files: swept.slice(0, 20) }, 'removed temp files left by an interrupted write');
    this.purgeTrash();
    this.trashTimer = setInterval(() => this.purgeTrash(), 3_600_000);
    this.trashTimer.unref();
    await discoverProjects(this.registry);
    if (this.registry.size === 0) this.registry.add('main', true);
    this.registry.ensurePersisted();
    for (const p of this.registry.list()) this.engine.registerProject(p.name, p.folder);
    this.metrics.setProjects(this.registry.size);
  }

  /** Start-up rebuild (no index) or catch-up (index present), then the schedule. */
  async rebuild(): Promise<SyncRun> {
    const names = this.registry.list().map((p) => p.name);
    this.startup = { status: 'rebuilding', started_at: new Date().toISOString() };
    this.logger.info({ projects: names.length, index_existed: this.engine.indexExisted }, 'index rebuild started');
    const run = await this.track(this.engine.rebuildAll(names));
    this.metrics.recordRun(run);
    for (const name of run.projects ?? names) {
      for (const r of this.engine.listRuns(name, 1)) this.metrics.recordRun(r);
    }
    this.startup = {
      status: 'ok',
      started_at: this.startup.started_at,
      rebuild: { started_at: run.started_at, finished_at: run.finished_at, duration_ms: run.duration_ms, files: run.files_scanned, mode: run.mode ?? 'rebuild' },
    };
    this.activity.touch();
    this.logger.info({ duration_ms: run.duration_ms, files: run.files_scanned, mode: run.mode, status: run.status }, 'start-up rebuild done; serving all routes');
    if (!this.closing) this.startSchedule();
    return run;
  }

  private startSchedule(): void {
    if (!this.schedule.enabled) return;
    this.schedule.add(DISCOVERY_KEY, () => this.discover());
    for (const p of this.registry.list()) this.scheduleProject(p);
  }

  private scheduleProject(p: Project): void {
    this.schedule.add(p.name, () => this.sync(p.name, 'schedule'));
  }

  /**
   * One sync of a project. The engine coalesces: a request made while a sync runs gets the next run
   * (at most one queued), so a caller always sees a run that started after its request.
   */
  sync(name: string, trigger: RunTrigger, force = false): Promise<SyncRun> {
    const run = this.track(this.engine.sync(name, { trigger, force }));
    return run.then((r) => {
      this.metrics.recordRun(r);
      return r;
    });
  }

  /** Remembers work in flight so close() can let it settle before the index closes. */
  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = () => { this.pending.delete(p); };
    p.then(done, done);
    return p;
  }

  /**
   * Registers new top-level folders and gives each its first sync (trigger "discovery").
   * rereadConfig (POST /projects/config/sync): read config.json even if it looks unchanged, and
   * throw (400) if it cannot be read instead of keeping the current projects silently.
   */
  async discover(opts: { rereadConfig?: boolean } = {}): Promise<Project[]> {
    if (this.closing) return [];
    const changed = this.registry.reloadIfChanged({ force: opts.rereadConfig, strict: opts.rereadConfig });
    for (const p of changed.removed) this.deactivate(p);
    for (const p of changed.added) this.activate(p, 'discovery');
    const added = await discoverProjects(this.registry);
    for (const p of added) this.activate(p, 'discovery');
    return [...changed.added, ...added];
  }

  private deactivate(p: Project): void {
    this.schedule.remove(p.name);
    this.engine.unregisterProject(p.name);
    this.metrics.setProjects(this.registry.size);
    this.logger.info({ project: p.name }, 'project unregistered');
  }

  private activate(p: Project, trigger: RunTrigger): void {
    this.engine.registerProject(p.name, p.folder);
    this.metrics.setProjects(this.registry.size);
    this.logger.info({ project: p.name, folder: p.folder, trigger }, 'project registered');
    if (this.ready) {
      this.sync(p.name, trigger).catch((err: unknown) => this.logger.warn({ err, project: p.name }, 'first sync of project failed'));
      if (this.schedule.enabled) this.scheduleProject(p);
    }
  }

  addProject(name: string, setDefault: boolean): { project: Project; created: boolean } {
    const result = this.registry.add(name, setDefault);
    if (result.created) this.activate(result.project, 'api');
    return result;
  }

  removeProject(identifier: string, deleteNotes: boolean): Project {
    const target = this.registry.resolve(identifier);
    // Unregister from the engine before the folder goes, so no sync walks a vanishing tree.
    if (target && target.name !== this.registry.defaultName) this.deactivate(target);
    const removed = this.registry.remove(identifier, deleteNotes);
    this.metrics.setProjects(this.registry.size);
    return removed;
  }

  /** Upstream's "watch service" is our sync schedule: running = scheduled syncs (and discovery) are armed. */
  get watchRunning(): boolean {
    return this.schedule.running;
  }

  /** POST /management/watch/start|stop. With --sync-interval 0 there is no schedule to start. */
  setWatch(run: boolean): boolean {
    if (run) this.schedule.resume(); else this.schedule.pause();
    this.logger.info({ running: this.watchRunning }, run ? 'sync schedule resumed' : 'sync schedule paused');
    return this.watchRunning;
  }

  /** POST /{project}/search/reindex: rebuilt in the background (like upstream); close() waits for it. */
  reindexSearch(name: string): void {
    this.track(this.engine.reindexSearch(name)).catch((err: unknown) => this.logger.warn({ err, project: name }, 'search reindex failed'));
  }

  /** Trash entries past the retention time are deleted for good, and the note history trimmed to its bounds (at start, then hourly). */
  purgeTrash(): void {
    try {
      const n = this.trash.purgeExpired();
      if (n) this.logger.info({ purged: n }, 'expired trash entries deleted');
    } catch (err) { this.logger.warn({ err }, 'trash purge failed'); }
    try {
      const n = this.history?.prune() ?? 0;
      if (n) this.logger.info({ removed: n }, 'note history versions past their bounds removed');
    } catch (err) { this.logger.warn({ err }, 'note history prune failed'); }
  }

  /** Stops new work (schedule, new requests answer 503) before the HTTP server drains. */
  beginClose(): void {
    this.closing = true;
    if (this.trashTimer) clearInterval(this.trashTimer);
    this.schedule.stop();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.beginClose();
    // Let the sync (or rebuild) in flight finish for a few seconds; closing the index aborts the rest.
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.engine.close();
    this.idempotency.close();
    this.history?.unregister();
  }
}
