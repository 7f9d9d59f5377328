// Prometheus metrics of the tenant API (GET /metrics). Updated whenever a sync run or rebuild
// finishes; each run is counted once even if several callers were handed the same coalesced run.
import type client from 'prom-client';
import type { SyncRun } from './engine.ts';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const FILE_BUCKETS = [0, 10, 100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000];
const SEEN_MAX = 10000;

/** The Prometheus side: made at the first scrape. */
class PromMetrics {
  readonly registry: client.Registry;
  readonly runs: client.Counter<'scan_type' | 'trigger' | 'status'>;
  readonly duration: client.Histogram<'scan_type'>;
  readonly scanned: client.Histogram<'scan_type'>;
  readonly changes: client.Counter<'change'>;
  readonly fileErrors: client.Counter;
  readonly rebuildSeconds: client.Gauge<'mode'>;
  readonly rebuildFiles: client.Gauge;
  readonly peakRss: client.Gauge;
  readonly projects: client.Gauge;

  constructor(prom: typeof client) {
    this.registry = new prom.Registry();
    const registers = [this.registry];
    this.runs = new prom.Counter({ name: 'bm_sync_runs_total', help: 'Sync runs finished, by scan type, trigger and status', labelNames: ['scan_type', 'trigger', 'status'], registers });
    this.duration = new prom.Histogram({ name: 'bm_sync_duration_seconds', help: 'Wall time of a sync run', labelNames: ['scan_type'], buckets: DURATION_BUCKETS, registers });
    this.scanned = new prom.Histogram({ name: 'bm_sync_files_scanned', help: 'Files scanned by a sync run', labelNames: ['scan_type'], buckets: FILE_BUCKETS, registers });
    this.changes = new prom.Counter({ name: 'bm_sync_file_changes_total', help: 'Files applied by sync runs, by change kind', labelNames: ['change'], registers });
    this.fileErrors = new prom.Counter({ name: 'bm_sync_file_errors_total', help: 'Per-file errors reported by sync runs', registers });
    this.rebuildSeconds = new prom.Gauge({ name: 'bm_index_rebuild_duration_seconds', help: 'Duration of the start-up index rebuild or catch-up', labelNames: ['mode'], registers });
    this.rebuildFiles = new prom.Gauge({ name: 'bm_index_rebuild_files', help: 'Files scanned by the start-up rebuild', registers });
    this.peakRss = new prom.Gauge({ name: 'bm_sync_peak_rss_bytes', help: 'Peak RSS observed during the last sync run', registers });
    this.projects = new prom.Gauge({ name: 'bm_projects', help: 'Registered projects', registers });
  }

  record(run: SyncRun): void {
    if (run.kind === 'rebuild') {
      this.rebuildSeconds.reset();
      this.rebuildSeconds.set({ mode: run.mode ?? 'rebuild' }, run.duration_ms / 1000);
      this.rebuildFiles.set(run.files_scanned);
      return;
    }
    const scanType = run.scan_type ?? 'none';
    this.runs.inc({ scan_type: scanType, trigger: run.trigger, status: run.status });
    this.duration.observe({ scan_type: scanType }, run.duration_ms / 1000);
    this.scanned.observe({ scan_type: scanType }, run.files_scanned);
    for (const change of ['new', 'modified', 'deleted', 'moved', 'skipped'] as const) {
      if (run[change] > 0) this.changes.inc({ change }, run[change]);
    }
    if (run.errors.length) this.fileErrors.inc(run.errors.length);
    if (run.peak_rss_bytes > 0) this.peakRss.set(run.peak_rss_bytes);
  }
}

/**
 * prom-client (with the default metrics it imports: ≈ 90 modules) is loaded at the first scrape, not at start, so a
 * wake does not pay for it. Runs finished before then wait in `pending` and are counted at that scrape.
 */
export class TenantMetrics {
  private prom: PromMetrics | null = null;
  private loading: Promise<PromMetrics> | null = null;
  private pending: SyncRun[] = [];
  private projectCount = 0;
  private readonly seen = new Set<string>();

  /** Records a finished run (sync or rebuild) once. */
  recordRun(run: SyncRun): void {
    if (this.seen.has(run.id)) return;
    this.seen.add(run.id);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
    if (this.prom) this.prom.record(run);
    else if (this.pending.push(run) > SEEN_MAX) this.pending.shift();
  }

  setProjects(n: number): void {
    this.projectCount = n;
    this.prom?.projects.set(n);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    const prom = await (this.loading ??= import('prom-client').then((m) => {
      const p = new PromMetrics(m.default);
      for (const run of this.pending) p.record(run);
      this.pending = [];
      p.projects.set(this.projectCount);
      this.prom = p;
      return p;
    }));
    return { contentType: prom.registry.contentType, text: await prom.registry.metrics() };
  }
}
