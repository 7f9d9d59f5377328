// Prometheus metrics of the tenant API (GET /metrics). Updated whenever a sync run or rebuild
// finishes; each run is counted once even if several callers were handed the same coalesced run.
import client from 'prom-client';
import type { SyncRun } from './engine.ts';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const FILE_BUCKETS = [0, 10, 100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000];

export class TenantMetrics {
  readonly registry = new client.Registry();
  private readonly seen = new Set<string>();
  private readonly runs: client.Counter<'scan_type' | 'trigger' | 'status'>;
  private readonly duration: client.Histogram<'scan_type'>;
  private readonly scanned: client.Histogram<'scan_type'>;
  private readonly changes: client.Counter<'change'>;
  private readonly fileErrors: client.Counter;
  private readonly rebuildSeconds: client.Gauge<'mode'>;
  private readonly rebuildFiles: client.Gauge;
  private readonly peakRss: client.Gauge;
  readonly projects: client.Gauge;

  constructor() {
    const registers = [this.registry];
    this.runs = new client.Counter({ name: 'bm_sync_runs_total', help: 'Sync runs finished, by scan type, trigger and status', labelNames: ['scan_type', 'trigger', 'status'], registers });
    this.duration = new client.Histogram({ name: 'bm_sync_duration_seconds', help: 'Wall time of a sync run', labelNames: ['scan_type'], buckets: DURATION_BUCKETS, registers });
    this.scanned = new client.Histogram({ name: 'bm_sync_files_scanned', help: 'Files scanned by a sync run', labelNames: ['scan_type'], buckets: FILE_BUCKETS, registers });
    this.changes = new client.Counter({ name: 'bm_sync_file_changes_total', help: 'Files applied by sync runs, by change kind', labelNames: ['change'], registers });
    this.fileErrors = new client.Counter({ name: 'bm_sync_file_errors_total', help: 'Per-file errors reported by sync runs', registers });
    this.rebuildSeconds = new client.Gauge({ name: 'bm_index_rebuild_duration_seconds', help: 'Duration of the start-up index rebuild or catch-up', labelNames: ['mode'], registers });
    this.rebuildFiles = new client.Gauge({ name: 'bm_index_rebuild_files', help: 'Files scanned by the start-up rebuild', registers });
    this.peakRss = new client.Gauge({ name: 'bm_sync_peak_rss_bytes', help: 'Peak RSS observed during the last sync run', registers });
    this.projects = new client.Gauge({ name: 'bm_projects', help: 'Registered projects', registers });
  }

  /** Records a finished run (sync or rebuild) once. */
  recordRun(run: SyncRun): void {
    if (this.seen.has(run.id)) return;
    this.seen.add(run.id);
    if (this.seen.size > 10000) this.seen.delete(this.seen.values().next().value!);
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

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
