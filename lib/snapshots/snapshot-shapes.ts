// Shapes of the snapshot API: what the tenant answers, and upstream's BucketSnapshot* responses (v0.22.1
// cli/commands/cloud/schemas.py) built from our records.
import type { SnapshotRun } from '../db/schema.ts';

export interface BackupResult {
  snapshot_id: string;
  files: number;
  bytes_added: number;
  duration_ms: number;
  repository_bytes: number | null;
}

export interface BrowseFile { key: string; size: number; last_modified: string; etag?: string | null }
export interface BrowseResult { files: BrowseFile[]; prefix: string; snapshot_version: string }

export interface RestoreResult {
  snapshot_id: string;
  restored: string[];
  unchanged: string[];
  replaced: { path: string; trash_id: string }[];
  projects: string[];
}

/** Upstream's BucketSnapshotResponse, plus what we know more (kind, size added, files, repository size). */
export function snapshotResponse(row: SnapshotRun, bucketName: string) {
  const created = row.startedAt.toISOString();
  return {
    id: row.id,
    bucket_name: bucketName,
    snapshot_version: row.resticId ?? '',
    name: row.description?.trim() || `${row.kind === 'scheduled' ? 'Scheduled' : 'Manual'} snapshot ${created.slice(0, 16).replace('T', ' ')}`,
    description: row.description ?? null,
    auto: row.kind === 'scheduled',
    created_at: created,
    created_by: row.createdBy ?? null,
    kind: row.kind,
    finished_at: row.finishedAt?.toISOString() ?? null,
    duration_ms: row.durationMs ?? null,
    files: row.files ?? null,
    bytes_added: row.bytesAdded ?? null,
    repository_bytes: row.repositoryBytes ?? null,
  };
}
export type SnapshotResponse = ReturnType<typeof snapshotResponse>;
