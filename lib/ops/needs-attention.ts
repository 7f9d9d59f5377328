// Which tenants need an ops person's attention, and why: each tenant once, under its most severe
// reason, most severe first (as Dash0's "needs attention"). Pure: the clock and facts come in.
import { z } from 'zod';

export const AttentionReason = z.enum([
  'failed', 'crash_looping', 'degraded', 'stopped_against_desired', 'projects_down_or_failing', 'stopped_reporting', 'snapshots_stale',
]);
export type AttentionReason = z.infer<typeof AttentionReason>;

/** Most severe first; the index is the severity rank. */
export const ATTENTION_ORDER: readonly AttentionReason[] = AttentionReason.options;

const ATTENTION_LABELS: Record<AttentionReason, string> = {
  failed: 'Failed (crash budget used up)',
  crash_looping: 'Crash looping',
  degraded: 'Degraded (health checks failing)',
  stopped_against_desired: 'Not running although it should',
  projects_down_or_failing: 'Projects down or failing',
  stopped_reporting: 'Stopped reporting',
  snapshots_stale: 'No good snapshot in twice the schedule',
};

export interface TenantFacts {
  tenantId: string;
  status: string;
  desiredState: 'running' | 'stopped';
  /** Crashes in the supervisor's current crash window. */
  crashCount: number;
  crashWindowStartedAt: Date | null;
  /** Projects whose derived health is down or failing. */
  projectsDownOrFailing: number;
  /** When the collector last heard from the tenant (null: never). */
  lastReportedAt: Date | null;
  createdAt: Date;
  /** Snapshots: when the last good one finished (null: never), and whether any snapshot run is on record. */
  lastGoodSnapshotAt?: Date | null;
  snapshotRunsSeen?: boolean;
}

export interface AttentionSettings {
  /** The supervisor's crash-counting window (TENANT_CRASH_WINDOW_MS). */
  crashWindowMs: number;
  /** Silence after which a running tenant has "stopped reporting". */
  staleAfterMs: number;
  /** SNAPSHOT_INTERVAL_MINUTES in ms; absent = snapshots are not judged. */
  snapshotIntervalMs?: number;
}

/**
 * "Snapshots stale": a running tenant whose last good snapshot (or, with none, its creation) is older than twice
 * the schedule. Judged once the tenant has any snapshot run on record (a fleet without snapshots is not flagged).
 */
export function snapshotsStale(f: Pick<TenantFacts, 'status' | 'desiredState' | 'createdAt' | 'lastGoodSnapshotAt' | 'snapshotRunsSeen'>, now: Date, intervalMs: number | undefined): boolean {
  if (!intervalMs || !f.snapshotRunsSeen || f.desiredState !== 'running' || f.status !== 'running') return false;
  const since = (f.lastGoodSnapshotAt ?? f.createdAt).getTime();
  return now.getTime() - since > 2 * intervalMs;
}

/** "Stopped reporting": should be running and is running, but the collector has not heard from it for `staleAfterMs`. */
export function isStale(f: Pick<TenantFacts, 'status' | 'desiredState' | 'lastReportedAt' | 'createdAt'>, now: Date, staleAfterMs: number): boolean {
  if (f.desiredState !== 'running' || f.status !== 'running') return false;
  const since = (f.lastReportedAt ?? f.createdAt).getTime();
  return now.getTime() - since > staleAfterMs;
}

/**
 * The tenant's most severe reason, or null when it needs nothing. `sleeping` (stopped for idleness, woken by
 * the next request) is normal: it matches no reason below (not stopped against desired, not stale).
 */
export function attentionReason(f: TenantFacts, now: Date, s: AttentionSettings): AttentionReason | null {
  if (f.status === 'failed') return 'failed';
  const inWindow = f.crashWindowStartedAt != null && now.getTime() - f.crashWindowStartedAt.getTime() <= s.crashWindowMs;
  if (f.desiredState === 'running' && f.crashCount >= 2 && inWindow) return 'crash_looping';
  if (f.status === 'degraded') return 'degraded';
  if (f.desiredState === 'running' && f.status === 'stopped') return 'stopped_against_desired';
  if (f.projectsDownOrFailing > 0) return 'projects_down_or_failing';
  if (isStale(f, now, s.staleAfterMs)) return 'stopped_reporting';
  if (snapshotsStale(f, now, s.snapshotIntervalMs)) return 'snapshots_stale';
  return null;
}

export interface AttentionItem { tenantId: string; reason: AttentionReason; label: string }

/** Every tenant that needs attention, once, most severe reason first (then by tenant id, stable). */
export function needsAttention(facts: TenantFacts[], now: Date, s: AttentionSettings): AttentionItem[] {
  const out: Array<AttentionItem & { rank: number }> = [];
  for (const f of facts) {
    const reason = attentionReason(f, now, s);
    if (reason) out.push({ tenantId: f.tenantId, reason, label: ATTENTION_LABELS[reason], rank: ATTENTION_ORDER.indexOf(reason) });
  }
  out.sort((a, b) => a.rank - b.rank || (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  return out.map(({ rank: _rank, ...x }) => x);
}

/** Stale threshold from the collector interval: six missed rounds, at least a minute. */
export function defaultStaleAfterMs(collectorIntervalMs: number): number {
  return Math.max(60_000, 6 * collectorIntervalMs);
}
