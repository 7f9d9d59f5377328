// One colour per scan type, rebuild mode and health state, used by every chart, badge and table.
// Colours are Tailwind 600/700-level hues: each passes 3:1 against white for graphics (WCAG 1.4.11)
// and the text tokens pass 4.5:1. Colour never carries meaning alone: every use also shows a label,
// an icon or a pattern.
import { REBUILD_MODES, ROLLUP_SCAN_TYPES, type RebuildMode, type RollupScanType } from '@/tenant/src/sync/run-vocabulary.ts';

/** What a chart series or badge stands for: a roll-up scan type or a rebuild mode. */
export type SeriesKey = RollupScanType | RebuildMode;
const SERIES_KEYS: readonly SeriesKey[] = [...ROLLUP_SCAN_TYPES, ...REBUILD_MODES];

export const SCAN_TYPE_COLORS: Record<SeriesKey, string> = {
  full_initial: '#4f46e5', // indigo-600
  full_deletions: '#b45309', // amber-700
  full_forced: '#be185d', // pink-700
  incremental: '#0f766e', // teal-700
  rebuild: '#7c3aed', // violet-600
  catch_up: '#0369a1', // sky-700
  unknown: '#475569', // slate-600
};

export const SCAN_TYPE_LABELS: Record<SeriesKey, string> = {
  full_initial: 'Full (first scan)',
  full_deletions: 'Full (deletions)',
  full_forced: 'Full (forced)',
  incremental: 'Incremental',
  rebuild: 'Rebuild',
  catch_up: 'Catch-up',
  unknown: 'Unknown',
};

/** What each scan type means, in plain words (the run report shows it next to the type). */
export const SCAN_TYPE_EXPLANATIONS: Record<SeriesKey, string> = {
  full_initial: 'The first scan of this project: every file was read and indexed.',
  full_deletions: 'Fewer files than last time: every file was checked so deletions and moves are found.',
  full_forced: 'A full re-sync was asked for: every file was read and re-hashed, whatever its timestamps say.',
  incremental: 'Only files whose size or modification time changed since the last scan were read.',
  rebuild: 'The index was rebuilt from the files at start-up (no index existed).',
  catch_up: 'At start-up the existing index caught up with changes made while the tenant was stopped.',
  unknown: 'The scan type was not recorded.',
};

export const seriesKey = (s: string | null | undefined): SeriesKey => ((SERIES_KEYS as readonly string[]).includes(s ?? '') ? (s as SeriesKey) : 'unknown');

/** Line styles for percentiles, so p50/p95/p99 differ by dash as well as colour. */
export const PERCENTILE_STYLES = {
  p50: { color: '#0f766e', dash: undefined as string | undefined },
  p95: { color: '#b45309', dash: '6 3' },
  p99: { color: '#b91c1c', dash: '2 3' },
};
