// Upstream's scan-type selection (contract §4.3), kept as a label for metrics. Correctness never depends on it:
// every scan type stats every file and compares with the stored rows; full_forced also re-hashes every file.
import type { ScanType } from './run-vocabulary.ts';

export function selectScanType(opts: { force: boolean; lastFileCount: number | null; currentCount: number }): ScanType {
  if (opts.force) return 'full_forced';
  if (opts.lastFileCount === null) return 'full_initial';
  if (opts.currentCount < opts.lastFileCount) return 'full_deletions';
  return 'incremental';
}
