// Snapshots as people and the scheduler see them: the record in Postgres (snapshot_runs, whose id is the snapshot
// id of upstream's API) plus the tenant's restic repository, reached with the signed tenant call. Every function
// takes the caller's tenant id (from the authenticated principal), so another tenant's snapshot is a 404.
import { getConfig } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import {
  failSnapshotRun, finishSnapshotRun, getTenantSnapshot, hasSucceededSnapshot, listTenantSnapshots, markForgottenByRestic,
  markSnapshotDeleted, startSnapshotRun,
} from '../db/queries/snapshot-runs.ts';
import type { SnapshotRun } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { callTenant, detailText, tenantCall, type TenantCall } from '../tenants/tenant-call.ts';
import { recordSnapshotRun } from './snapshot-metrics.ts';
import type { BackupResult, BrowseResult, RestoreResult } from './snapshot-shapes.ts';

const SNAPSHOT_NOT_FOUND = 'Snapshot not found';

/** A tenant refusal as an HttpError with the tenant's words (repository trouble stays a 503). */
export function refusal(r: { status: number; message: string }): HttpError {
  return new HttpError(r.status === 502 || r.status === 504 ? 503 : r.status, r.message);
}

/** A JSON call on the tenant's restic repository: no overall limit, only the configured silence (snapshots are long). */
function call<T>(tenantId: string, method: string, path: string, json?: unknown): Promise<TenantCall<T>> {
  return callTenant<T>(tenantId, method, path, { json, timeoutMs: 0, idleTimeoutMs: getConfig().snapshots.timeoutMs });
}

/** Takes a snapshot now and records it; a failure is recorded too, then thrown with the tenant's reason. */
export async function createSnapshot(db: Database, tenantId: string, opts: { kind: 'scheduled' | 'manual'; description?: string | null; createdBy?: string | null }): Promise<SnapshotRun> {
  // the repository is created by the first snapshot only: once one succeeded, a missing repository is an error
  const allowInit = !(await hasSucceededSnapshot(db, tenantId));
  const row = await startSnapshotRun(db, { tenantId, kind: opts.kind, description: opts.description, createdBy: opts.createdBy });
  const t0 = Date.now();
  const r = await call<BackupResult>(tenantId, 'POST', '/snapshots', { kind: opts.kind, run_id: row.id, allow_init: allowInit });
  if (!r.ok && r.unreachable) {
    await failSnapshotRun(db, row.id, `the tenant could not be reached: ${r.message}`, Date.now() - t0);
    recordSnapshotRun(opts.kind, 'failed');
    throw new HttpError(503, 'The snapshot could not be taken: your files service could not be reached.');
  }
  if (!r.ok || r.status !== 201) {
    const err = refusal(r.ok ? { status: 502, message: `The tenant answered ${r.status}.` } : r);
    await failSnapshotRun(db, row.id, String(err.detail), Date.now() - t0);
    recordSnapshotRun(opts.kind, 'failed');
    throw err;
  }
  const b = r.body;
  recordSnapshotRun(opts.kind, 'succeeded');
  return finishSnapshotRun(db, row.id, { resticId: b.snapshot_id, files: b.files, bytesAdded: b.bytes_added, repositoryBytes: b.repository_bytes, durationMs: b.duration_ms });
}

export async function requireSnapshot(db: Database, tenantId: string, id: string): Promise<SnapshotRun> {
  const row = await getTenantSnapshot(db, tenantId, id);
  if (!row || !row.resticId) throw new HttpError(404, SNAPSHOT_NOT_FOUND);
  return row;
}

export { listTenantSnapshots };

/** The snapshot's files whose key (`project-folder/path`) starts with `prefix`. */
export async function browseSnapshot(db: Database, tenantId: string, id: string, prefix: string): Promise<BrowseResult> {
  const row = await requireSnapshot(db, tenantId, id);
  const r = await call<BrowseResult>(tenantId, 'GET', `/snapshots/${row.resticId}/files?prefix=${encodeURIComponent(prefix)}`);
  if (!r.ok) throw refusal(r);
  return r.body;
}

/** One file of the snapshot (note history, previews). */
export async function readSnapshotFile(db: Database, tenantId: string, id: string, key: string): Promise<Buffer> {
  const row = await requireSnapshot(db, tenantId, id);
  const r = await tenantCall(tenantId, 'GET', `/snapshots/${row.resticId}/file?path=${encodeURIComponent(key)}`);
  if (r.status !== 200) throw refusal({ status: r.status, message: detailText(r) });
  return r.body;
}

/** Restores a file, a folder or a project; what it replaces goes to the tenant's trash first. */
export async function restoreSnapshot(db: Database, tenantId: string, id: string, path: string, asCopy: boolean, kind?: 'file' | 'folder'): Promise<RestoreResult & { snapshot_version: string }> {
  const row = await requireSnapshot(db, tenantId, id);
  const r = await call<RestoreResult>(tenantId, 'POST', `/snapshots/${row.resticId}/restore`, { path, as_copy: asCopy, ...(kind ? { kind } : {}) });
  if (!r.ok) throw refusal(r);
  return { ...r.body, snapshot_version: row.resticId! };
}

/** Forgets the snapshot in the repository (its data goes at the next prune) and marks the record deleted. */
export async function deleteSnapshot(db: Database, tenantId: string, id: string): Promise<SnapshotRun> {
  const row = await requireSnapshot(db, tenantId, id);
  const r = await call(tenantId, 'DELETE', `/snapshots/${row.resticId}`);
  // already gone from the repository: the record follows
  if (!r.ok && r.status !== 404) throw refusal(r);
  await markSnapshotDeleted(db, tenantId, id);
  return row;
}

/** `restic forget --prune` with the configured policy (scheduled snapshots only); records what it removed. */
export async function applyRetention(db: Database, tenantId: string): Promise<{ removed: number }> {
  const c = getConfig().snapshots;
  const r = await call<{ removed?: string[] }>(tenantId, 'POST', '/snapshots/retention', { hourly_hours: c.keepHourlyHours, daily_days: c.keepDailyDays, weekly_weeks: c.keepWeeklyWeeks });
  if (!r.ok) throw refusal(r);
  return { removed: await markForgottenByRestic(db, tenantId, r.body?.removed ?? []) };
}

export interface NoteVersion {
  /** our snapshot id (restore with it) */
  snapshot_id: string;
  snapshot_time: string;
  kind: 'scheduled' | 'manual';
  description: string | null;
  /** the file's modification time and size in that snapshot */
  mtime: string;
  size: number;
  /** snapshots reported holding this version (restic find reports an unchanged subtree once, so often 1) */
  snapshots: number;
}

/** The distinct versions of one file across the tenant's live snapshots, newest first. */
export async function noteHistory(db: Database, tenantId: string, key: string): Promise<NoteVersion[]> {
  const r = await call<{ versions?: { snapshot_id: string; mtime: string; size: number }[] }>(tenantId, 'GET', `/snapshots/history?path=${encodeURIComponent(key)}`);
  if (!r.ok) throw refusal(r);
  const found = r.body?.versions ?? [];
  const rows = await listTenantSnapshots(db, tenantId);
  const byVersion = new Map<string, NoteVersion>();
  // oldest first, so each distinct version is named by the oldest snapshot reported holding it
  for (const row of [...rows].reverse()) {
    const hit = row.resticId ? found.find((f) => f.snapshot_id.startsWith(row.resticId!)) : undefined;
    if (!hit) continue;
    const k = `${hit.mtime}|${hit.size}`;
    const seen = byVersion.get(k);
    if (seen) { seen.snapshots++; continue; }
    byVersion.set(k, { snapshot_id: row.id, snapshot_time: row.startedAt.toISOString(), kind: row.kind, description: row.description ?? null, mtime: hit.mtime, size: hit.size, snapshots: 1 });
  }
  return [...byVersion.values()].reverse();
}
