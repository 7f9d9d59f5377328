// The JSON shape of a run, shared by the BFF routes and the pages (so what a page shows and what its
// route returns are the same values). Per-file lists are parsed with zod: a malformed entry from an
// older tenant is dropped, never rendered as garbage.
import { z } from 'zod';
import type { SyncRunRow } from '../db/schema.ts';
import type { SyncRunView } from '../db/queries/sync-runs.ts';
import { summarizeRun } from './run-summary.ts';

export interface RunDto {
  id: string;
  // The run vocabulary's closed sets, as stored (pgEnums; `unknown` for another version's trigger or status).
  kind: SyncRunView['kind'];
  project: string | null;
  trigger: SyncRunView['trigger'];
  scan_type: SyncRunView['scanType'];
  mode: SyncRunView['mode'];
  status: SyncRunView['status'];
  started_at: string;
  finished_at: string | null;
  duration_ms: number;
  scan_ms: number;
  apply_ms: number;
  files_scanned: number;
  new: number;
  modified: number;
  deleted: number;
  moved: number;
  skipped: number;
  errors: number;
  peak_rss_bytes: number | null;
  summary: string;
}

const SkippedFile = z.object({ path: z.string(), reason: z.string().default(''), failure_count: z.number().int().default(0), first_failed: z.string().nullish(), last_failed: z.string().nullish() });
const Problem = z.object({ path: z.string().default(''), message: z.string().default('') });
const Changes = z.object({
  new: z.array(z.string()).default([]), modified: z.array(z.string()).default([]), deleted: z.array(z.string()).default([]),
  moves: z.record(z.string(), z.string()).default({}), truncated: z.boolean().default(false),
});
type SkippedFileDto = z.infer<typeof SkippedFile>;
export type ProblemDto = z.infer<typeof Problem>;
type ChangesDto = z.infer<typeof Changes>;

export interface RunDetailDto extends RunDto {
  skipped_files: SkippedFileDto[];
  error_list: ProblemDto[];
  warnings: ProblemDto[];
  changes: ChangesDto | null;
}

const list = <T>(schema: z.ZodType<T>, v: unknown): T[] =>
  (Array.isArray(v) ? v : []).flatMap((x) => { const r = schema.safeParse(x); return r.success ? [r.data] : []; });

export function toRunDto(r: SyncRunView, warningCount = 0): RunDto {
  return {
    id: r.runId, kind: r.kind, project: r.project, trigger: r.trigger, scan_type: r.scanType, mode: r.mode, status: r.status,
    started_at: r.startedAt.toISOString(), finished_at: r.finishedAt?.toISOString() ?? null,
    duration_ms: r.durationMs, scan_ms: r.scanMs, apply_ms: r.applyMs, files_scanned: r.filesScanned,
    new: r.newCount, modified: r.modifiedCount, deleted: r.deletedCount, moved: r.movedCount, skipped: r.skippedCount, errors: r.errorCount,
    peak_rss_bytes: r.peakRssBytes,
    summary: summarizeRun({ ...r, warningCount }),
  };
}

/** `lastFailed`: when each skipped path last failed (lib/db/queries/project-runs.ts lastFailureTimes). */
export function toRunDetailDto(r: SyncRunRow, lastFailed: Map<string, Date> = new Map()): RunDetailDto {
  const warnings = list(Problem, r.warnings);
  const changes = r.changes ? Changes.safeParse(r.changes) : null;
  return {
    ...toRunDto(r, warnings.length),
    skipped_files: list(SkippedFile, r.skippedFiles).map((f) => ({ ...f, last_failed: f.last_failed ?? lastFailed.get(f.path)?.toISOString() ?? null })),
    error_list: list(Problem, r.errors),
    warnings,
    changes: changes?.success ? changes.data : null,
  };
}
