// The closed sets a sync run is described by: what the tenant records, what the control plane stores
// (as Postgres enums), filters by and draws. One list each; every union type is derived from it.

/** A project sync, or the index rebuild/catch-up at start-up. */
export const RUN_KINDS = ['sync', 'rebuild'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** What started a sync. */
export const RUN_TRIGGERS = ['startup', 'schedule', 'api', 'force', 'discovery'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Upstream's scan types (contract §4.3); a rebuild has none. */
export const SCAN_TYPES = ['full_initial', 'full_deletions', 'full_forced', 'incremental'] as const;
export type ScanType = (typeof SCAN_TYPES)[number];

export const RUN_STATUSES = ['ok', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A rebuild from nothing, or an existing index catching up with changes made while the tenant was stopped. */
export const REBUILD_MODES = ['rebuild', 'catch_up'] as const;
export type RebuildMode = (typeof REBUILD_MODES)[number];

/**
 * Stored for a trigger or status a tenant sent that this vocabulary does not know (a tenant of another
 * version), so the run is kept rather than its page refused. An unknown scan type or mode is stored as null.
 */
export const UNKNOWN = 'unknown';
export const RECORDED_TRIGGERS = [...RUN_TRIGGERS, UNKNOWN] as const;
export const RECORDED_STATUSES = [...RUN_STATUSES, UNKNOWN] as const;

/** How the hourly roll-ups and the charts group runs: the scan type, `rebuild` for rebuilds, `unknown` when unrecorded. */
export const ROLLUP_SCAN_TYPES = [...SCAN_TYPES, 'rebuild', UNKNOWN] as const;
export type RollupScanType = (typeof ROLLUP_SCAN_TYPES)[number];

/** `value` if it is one of `set`, else `fallback` (values read from another process). */
export function oneOf<T extends string, F>(set: readonly T[], value: unknown, fallback: F): T | F {
  return (set as readonly unknown[]).includes(value) ? (value as T) : fallback;
}
