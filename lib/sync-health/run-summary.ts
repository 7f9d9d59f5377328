// The one-sentence summary that opens every run report:
//   "2,621 files checked in 453 ms: 3 new, 1 moved, 2 skipped"
// Zero counts are left out; a run with no changes says "no changes"; a failed run says so first.
import { formatDuration } from '../format/durations.ts';
import { formatCount, plural } from '../format/plurals.ts';

export interface RunCounts {
  kind?: string;
  status: string;
  filesScanned: number;
  durationMs: number;
  newCount: number;
  modifiedCount: number;
  deletedCount: number;
  movedCount: number;
  skippedCount: number;
  errorCount: number;
  warningCount?: number;
}

/** The counts that changed, in reading order: "3 new, 1 moved, 2 skipped". Empty when nothing changed. */
function changeParts(r: RunCounts): string[] {
  const parts: string[] = [];
  if (r.newCount) parts.push(`${formatCount(r.newCount)} new`);
  if (r.modifiedCount) parts.push(`${formatCount(r.modifiedCount)} modified`);
  if (r.deletedCount) parts.push(`${formatCount(r.deletedCount)} deleted`);
  if (r.movedCount) parts.push(`${formatCount(r.movedCount)} moved`);
  if (r.skippedCount) parts.push(`${formatCount(r.skippedCount)} skipped`);
  if (r.errorCount) parts.push(plural(r.errorCount, 'error'));
  if (r.warningCount) parts.push(plural(r.warningCount, 'warning'));
  return parts;
}

export function summarizeRun(r: RunCounts): string {
  const head = `${plural(r.filesScanned, 'file')} checked in ${formatDuration(r.durationMs)}`;
  const parts = changeParts(r);
  const tail = parts.length ? parts.join(', ') : 'no changes';
  const failed = r.status !== 'ok';
  return `${failed ? 'Failed: ' : ''}${head}: ${tail}`;
}
