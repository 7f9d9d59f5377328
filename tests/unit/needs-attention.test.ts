// Needs attention: one reason per tenant, most severe first; staleness with a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTENTION_ORDER, attentionReason, defaultStaleAfterMs, isStale, needsAttention, type TenantFacts } from '../../lib/ops/needs-attention.ts';

const NOW = new Date('2026-07-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const S = { crashWindowMs: 600_000, staleAfterMs: 60_000 };
const base = (id: string, o: Partial<TenantFacts> = {}): TenantFacts => ({
  tenantId: id, status: 'running', desiredState: 'running', crashCount: 0, crashWindowStartedAt: null,
  projectsDownOrFailing: 0, lastReportedAt: ago(5_000), createdAt: ago(86_400_000), ...o,
});

test('each reason on its own', () => {
  assert.equal(attentionReason(base('a', { status: 'failed' }), NOW, S), 'failed');
  assert.equal(attentionReason(base('a', { status: 'starting', crashCount: 3, crashWindowStartedAt: ago(60_000) }), NOW, S), 'crash_looping');
  assert.equal(attentionReason(base('a', { status: 'degraded' }), NOW, S), 'degraded');
  assert.equal(attentionReason(base('a', { status: 'stopped' }), NOW, S), 'stopped_against_desired');
  assert.equal(attentionReason(base('a', { projectsDownOrFailing: 2 }), NOW, S), 'projects_down_or_failing');
  assert.equal(attentionReason(base('a', { lastReportedAt: ago(61_000) }), NOW, S), 'stopped_reporting');
  assert.equal(attentionReason(base('a'), NOW, S), null);
  // Not reasons: stopped on purpose, one crash, crashes outside the window.
  assert.equal(attentionReason(base('a', { status: 'stopped', desiredState: 'stopped', lastReportedAt: ago(86_400_000) }), NOW, S), null);
  assert.equal(attentionReason(base('a', { crashCount: 1, crashWindowStartedAt: ago(1000) }), NOW, S), null);
  assert.equal(attentionReason(base('a', { crashCount: 4, crashWindowStartedAt: ago(700_000) }), NOW, S), null);
  // Asleep for idleness (desired running, silent for a day, with snapshots on record) is normal, not trouble.
  assert.equal(attentionReason(base('a', { status: 'sleeping', lastReportedAt: ago(86_400_000), snapshotRunsSeen: true, lastGoodSnapshotAt: ago(86_400_000) }), NOW, { ...S, snapshotIntervalMs: 3_600_000 }), null);
});

test('the most severe reason wins; each tenant counted once; ordered by severity', () => {
  const facts = [
    base('t-report', { lastReportedAt: ago(10 * 60_000) }),
    base('t-proj', { projectsDownOrFailing: 1, lastReportedAt: ago(10 * 60_000) }),  // also stale: projects wins
    base('t-ok'),
    base('t-failed', { status: 'failed', crashCount: 5, crashWindowStartedAt: ago(1000), projectsDownOrFailing: 3 }),
    base('t-stopped', { status: 'stopped', projectsDownOrFailing: 1 }),
    base('t-degraded', { status: 'degraded', projectsDownOrFailing: 1 }),
    base('t-loop', { status: 'starting', crashCount: 2, crashWindowStartedAt: ago(1000) }),
    base('t-snap', { snapshotRunsSeen: true, lastGoodSnapshotAt: ago(3 * 3_600_000) }),
  ];
  const items = needsAttention(facts, NOW, { ...S, snapshotIntervalMs: 3_600_000 });
  assert.deepEqual(items.map((i) => [i.tenantId, i.reason]), [
    ['t-failed', 'failed'], ['t-loop', 'crash_looping'], ['t-degraded', 'degraded'], ['t-stopped', 'stopped_against_desired'],
    ['t-proj', 'projects_down_or_failing'], ['t-report', 'stopped_reporting'], ['t-snap', 'snapshots_stale'],
  ]);
  assert.equal(new Set(items.map((i) => i.tenantId)).size, items.length);
  assert.deepEqual([...new Set(items.map((i) => i.reason))], [...ATTENTION_ORDER]);
});

test('staleness follows the clock: fresh, then stale exactly after the threshold; never heard = since creation', () => {
  let now = new Date(NOW);
  const f = base('a', { lastReportedAt: new Date(NOW) });
  const tick = (ms: number) => { now = new Date(now.getTime() + ms); };
  tick(60_000);
  assert.equal(isStale(f, now, 60_000), false, 'at the threshold: not yet');
  tick(1);
  assert.equal(isStale(f, now, 60_000), true);
  assert.equal(attentionReason(f, now, S), 'stopped_reporting');
  // Reporting again clears it.
  f.lastReportedAt = new Date(now);
  assert.equal(attentionReason(f, now, S), null);
  const fresh = base('b', { lastReportedAt: null, createdAt: new Date(now) });
  assert.equal(isStale(fresh, now, 60_000), false);
  tick(60_001);
  assert.equal(isStale(fresh, now, 60_000), true);
  // A tenant not running is "not running", never "stopped reporting".
  assert.equal(isStale(base('c', { status: 'starting', lastReportedAt: null }), now, 1), false);
  assert.equal(defaultStaleAfterMs(5000), 60_000);
  assert.equal(defaultStaleAfterMs(10_000), 60_000);
});

test('snapshots: a running tenant whose last good snapshot is older than twice the schedule needs attention', () => {
  const H = 3_600_000;
  const S2 = { ...S, snapshotIntervalMs: H };
  assert.equal(attentionReason(base('a', { snapshotRunsSeen: true, lastGoodSnapshotAt: ago(2 * H - 1000) }), NOW, S2), null);
  assert.equal(attentionReason(base('a', { snapshotRunsSeen: true, lastGoodSnapshotAt: ago(2 * H + 1000) }), NOW, S2), 'snapshots_stale');
  // never a good one: judged from creation, once any run (e.g. failed ones) is on record
  assert.equal(attentionReason(base('a', { snapshotRunsSeen: true, lastGoodSnapshotAt: null }), NOW, S2), 'snapshots_stale');
  assert.equal(attentionReason(base('a', { snapshotRunsSeen: true, lastGoodSnapshotAt: null, createdAt: ago(H) }), NOW, S2), null);
  assert.equal(attentionReason(base('a', { snapshotRunsSeen: false, lastGoodSnapshotAt: null }), NOW, S2), null);
  // stopped on purpose, or snapshots not judged: no
  assert.equal(attentionReason(base('a', { status: 'stopped', desiredState: 'stopped', snapshotRunsSeen: true, lastReportedAt: ago(86_400_000) }), NOW, S2), null);
  assert.equal(attentionReason(base('a', { snapshotRunsSeen: true, lastGoodSnapshotAt: ago(10 * H) }), NOW, S), null);
  // the least severe reason: a stale reporter stays "stopped reporting"
  assert.equal(attentionReason(base('a', { lastReportedAt: ago(61_000), snapshotRunsSeen: true, lastGoodSnapshotAt: null }), NOW, S2), 'stopped_reporting');
});
