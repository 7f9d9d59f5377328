// The one-sentence summary that opens every run report:
//   "2,621 files checked in 453 ms: 3 new, 1 moved, 2 skipped"
// Zero counts are left out; a run with no changes says "no changes"; a failed run says so first.

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

const nf = new Intl.NumberFormat('en-US');
const plural = (n: number, one: string, many = one + 's') => `${nf.format(n)} ${n === 1 ? one : many}`;

/** "453 ms", "2.4 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The counts that changed, in reading order: "3 new, 1 moved, 2 skipped". Empty when nothing changed. */
function changeParts(r: RunCounts): string[] {
  const parts: string[] = [];
  if (r.newCount) parts.push(`${nf.format(r.newCount)} new`);
  if (r.modifiedCount) parts.push(`${nf.format(r.modifiedCount)} modified`);
  if (r.deletedCount) parts.push(`${nf.format(r.deletedCount)} deleted`);
  if (r.movedCount) parts.push(`${nf.format(r.movedCount)} moved`);
  if (r.skippedCount) parts.push(`${nf.format(r.skippedCount)} skipped`);
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
