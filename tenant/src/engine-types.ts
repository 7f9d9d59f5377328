// Shapes shared by the engine facade and its parts. Upstream names (contract §3.2, v0.16 schemas) where they exist.

import type { RebuildMode, RunKind, RunStatus, RunTrigger, ScanType } from './sync/run-vocabulary.ts';

/** Upstream SyncReportResponse (contract §3.2): paths are project-relative POSIX. */
export interface SyncReportResponse {
  new: string[];
  modified: string[];
  deleted: string[];
  moves: Record<string, string>;
  checksums: Record<string, string>;
  skipped_files: SkippedFile[];
  total: number;
  /** Extension: set when the path lists were capped (10,000 paths); counts and `total` stay exact. */
  truncated?: boolean;
}

export interface SkippedFile { path: string; reason: string; failure_count: number; first_failed: string }
export interface FileProblem { path: string; message: string }

export interface SyncRun {
  id: string; // uuid v7: time-ordered, sortable
  kind: RunKind;
  project: string | null;
  trigger: RunTrigger;
  scan_type: ScanType | null;
  status: RunStatus;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  scan_ms: number;
  apply_ms: number;
  files_scanned: number;
  new: number;
  modified: number;
  deleted: number;
  moved: number;
  skipped: number;
  errors: FileProblem[];
  /** Extension: non-fatal per-file problems (broken YAML, invalid UTF-8, binary junk named .md …). */
  warnings?: FileProblem[];
  skipped_files: SkippedFile[];
  peak_rss_bytes: number;
  mode?: RebuildMode;
  /** Rebuild records only: the per-project runs it made. */
  projects?: string[];
  report?: SyncReportResponse;
}

interface ObservationResponse { category: string | null; content: string; tags: string[]; context: string | null; permalink: string }
interface RelationResponse {
  from_id: string; // permalink of the source (upstream serializes entity references as permalinks)
  to_id: string | null; // permalink of the target, null while unresolved
  to_name: string;
  relation_type: string;
  context: string | null;
  permalink: string;
}

/** Upstream EntityResponse (POST /knowledge/entities) */
export interface EntityResponse {
  id: number;
  permalink: string | null;
  title: string;
  file_path: string;
  entity_type: string;
  entity_metadata: Record<string, unknown>;
  checksum: string | null;
  content_type: string;
  observations: ObservationResponse[];
  relations: RelationResponse[];
  created_at: string;
  updated_at: string;
}

export interface SearchResult {
  title: string;
  /** A note, one of its observations, or one of its relations (upstream SearchItemType). */
  type: 'entity' | 'observation' | 'relation';
  permalink: string | null;
  file_path: string;
  score: number;
  /** Snippet of the matching text (plain). */
  content: string;
  /** Same snippet with <mark>…</mark> around matched terms. */
  matched_snippet: string;
  entity_id: number;
  entity_type: string;
  content_type: string;
  metadata: Record<string, unknown>;
  /** Observations: their category. */
  category: string | null;
  /** Relations: source and target permalinks, and the relation's type. */
  from_entity: string | null;
  to_entity: string | null;
  relation_type: string | null;
  created_at: string;
  updated_at: string;
}

/** A page of search results; `total` counts every match (upstream's exact count of a full-text search). */
export interface SearchPage { results: SearchResult[]; current_page: number; page_size: number; total: number; has_more: boolean }

export interface DirectoryNode {
  name: string;
  file_path?: string; // project-relative (upstream leaves it out on the tree's directory nodes)
  directory_path: string; // '/'-prefixed, like upstream
  type: 'directory' | 'file';
  title?: string;
  permalink?: string | null;
  entity_id?: number;
  entity_type?: string;
  content_type?: string;
  updated_at?: string;
  children?: DirectoryNode[];
}

export interface EntitySummary { id: number; title: string; permalink: string | null; file_path: string; entity_type: string; created_at: string; updated_at: string }

/** statistics + activity parts of upstream ProjectInfoResponse (contract §3.2). */
export interface ProjectInfoStatistics {
  statistics: {
    total_entities: number;
    total_observations: number;
    total_relations: number;
    total_unresolved_relations: number;
    entity_types: Record<string, number>;
    observation_categories: Record<string, number>;
    relation_types: Record<string, number>;
    most_connected_entities: { id: number; title: string; permalink: string | null; relation_count: number; file_path: string }[];
    isolated_entities: number;
  };
  activity: {
    recently_created: EntitySummary[];
    recently_updated: EntitySummary[];
    monthly_growth: Record<string, { entities: number; observations: number; relations: number }>;
  };
  /** For the `system` part: where the index lives and how big it is. */
  index: { database_path: string; database_size_bytes: number; last_sync: SyncRun | null };
}

export class PathError extends Error { override name = 'PathError'; }
export class NotFoundError extends Error { override name = 'NotFoundError'; }
export class ConflictError extends Error { override name = 'ConflictError'; }
/** A request the engine refuses as malformed or not applicable (HTTP 400), with upstream's wording. */
export class BadRequestError extends Error { override name = 'BadRequestError'; }
/** The client said which version it read (checksum) and the file on disk is another one (HTTP 412). */
export class PreconditionFailedError extends Error { override name = 'PreconditionFailedError'; }
