// Derived project health: every state, the fixed precedence, late/down on a fake clock, settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveProjectHealth, healthWindows, HEALTH_PRECEDENCE, HEALTH_STATES, HealthState, type ProjectHealthInput } from '../../lib/sync-health/project-health.ts';
import { loadSyncHealthSettings } from '../../lib/config/sync-health.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);
const base: ProjectHealthInput = {
  latestRun: { status: 'ok', at: ago(10), skipped: 0 },
  latestSuccessfulRun: { at: ago(10) },
  inFlight: false,
  tenantStatus: 'running',
  intervalSeconds: 30,
};
const state = (o: Partial<ProjectHealthInput>, now = NOW) => deriveProjectHealth({ ...base, ...o }, { now }).state;

test('every state is reachable and has label, tone, icon and a sentence', () => {
  const seen = new Set<HealthState>([
    state({ tenantStatus: 'rebuilding' }),
    state({ inFlight: true }),
    state({ latestRun: { status: 'failed', at: ago(5) } }),
    state({ latestRun: { status: 'ok', at: ago(5), skipped: 2 } }),
    state({ currentProblems: { errors: 0, skipped: 0, warnings: 1 } }),
    state({ latestRun: { status: 'ok', at: ago(200) }, latestSuccessfulRun: { at: ago(200) } }),
    state({ latestRun: { status: 'ok', at: ago(3600) }, latestSuccessfulRun: { at: ago(3600) } }),
    state({ latestRun: null, latestSuccessfulRun: null }),
    state({}),
  ]);
  assert.deepEqual([...seen].sort(), [...HealthState.options].sort());
  for (const s of HealthState.options) {
    const m = HEALTH_STATES[s];
    assert.ok(m.label && m.icon && m.tone && m.why.endsWith('.'), s);
  }
  assert.equal(HEALTH_PRECEDENCE[0], 'tenant_unavailable');
  assert.equal(HEALTH_PRECEDENCE.at(-1), 'up_to_date');
});

test('tenant not serving wins over everything, for every non-running status', () => {
  for (const t of ['provisioning', 'starting', 'rebuilding', 'degraded', 'stopped', 'failed']) {
    assert.equal(state({ tenantStatus: t, inFlight: true, latestRun: { status: 'failed', at: ago(1), skipped: 3 } }), 'tenant_unavailable', t);
  }
});

test('precedence: syncing > failing > skipped > late/down > never synced > up to date', () => {
  const failedSkipped = { status: 'failed', at: ago(5000), skipped: 4 };
  assert.equal(state({ inFlight: true, latestRun: failedSkipped, latestSuccessfulRun: { at: ago(99999) } }), 'syncing');
  assert.equal(state({ latestRun: failedSkipped, latestSuccessfulRun: { at: ago(99999) } }), 'failing');
  assert.equal(state({ latestRun: { status: 'ok', at: ago(99999), skipped: 1 }, latestSuccessfulRun: { at: ago(99999) } }), 'skipped_files');
  assert.equal(state({ latestRun: null, latestSuccessfulRun: null, inFlight: true }), 'syncing');
  // A project with skipped files never reads "up to date".
  assert.notEqual(state({ latestRun: { status: 'ok', at: ago(1), skipped: 1 } }), 'up_to_date');
  assert.equal(state({ skippedCount: 2 }), 'skipped_files');
  assert.equal(state({ latestRun: { status: 'errored', at: ago(1) } }), 'failing');
  // A run that completed but could not index a file (status ok, errors > 0) is failing, above skipped files.
  assert.equal(state({ latestRun: { status: 'ok', at: ago(1), errors: 1, skipped: 2 }, latestSuccessfulRun: { at: ago(1) } }), 'failing');
  assert.equal(state({ latestRun: { status: 'ok', at: ago(1), errors: 0 }, latestSuccessfulRun: { at: ago(1) } }), 'up_to_date');
});

test('late and down on a fake clock with derived windows (30 s interval → grace 60 s, down 15 min)', () => {
  assert.deepEqual(healthWindows(30), { graceSeconds: 60, downSeconds: 900 });
  assert.deepEqual(healthWindows(300), { graceSeconds: 600, downSeconds: 6000 });
  const last = new Date('2026-12-01T11:00:00Z');
  const at = (s: number) => new Date(last.getTime() + s * 1000);
  const input = { latestRun: { status: 'ok', at: last }, latestSuccessfulRun: { at: last } };
  assert.equal(state(input, at(30)), 'up_to_date');
  assert.equal(state(input, at(90)), 'up_to_date', 'interval + grace is the limit');
  assert.equal(state(input, at(91)), 'late');
  assert.equal(state(input, at(900)), 'late');
  assert.equal(state(input, at(901)), 'down');
  // No schedule: never late.
  assert.equal(state({ ...input, intervalSeconds: 0 }, at(99999)), 'up_to_date');
});

test('settings override the derived windows', () => {
  const settings = loadSyncHealthSettings({ SYNC_HEALTH_GRACE_SECONDS: '10', SYNC_HEALTH_DOWN_SECONDS: '120' });
  assert.deepEqual(healthWindows(30, settings), { graceSeconds: 10, downSeconds: 120 });
  const input = { ...base, latestRun: { status: 'ok', at: ago(41) }, latestSuccessfulRun: { at: ago(41) } };
  assert.equal(deriveProjectHealth(input, { now: NOW, settings }).state, 'late');
  assert.equal(deriveProjectHealth({ ...input, latestSuccessfulRun: { at: ago(121) } }, { now: NOW, settings }).state, 'down');
  assert.deepEqual(loadSyncHealthSettings({}), { graceSeconds: null, downSeconds: null });
  assert.throws(() => loadSyncHealthSettings({ SYNC_HEALTH_GRACE_SECONDS: 'soon' }), /SYNC_HEALTH_GRACE_SECONDS/);
});

test('current problems keep the health honest after the run that met them: errors fail, skips skip, unread files say so', () => {
  // The latest run is clean (it did not read the broken files again); the tenant still lists them.
  assert.equal(state({ currentProblems: { errors: 1, skipped: 0, warnings: 0 } }), 'failing');
  assert.equal(state({ currentProblems: { errors: 0, skipped: 1, warnings: 3 } }), 'skipped_files');
  assert.equal(state({ currentProblems: { errors: 0, skipped: 0, warnings: 2 } }), 'file_problems');
  assert.equal(state({ currentProblems: { errors: 0, skipped: 0, warnings: 0 } }), 'up_to_date');
  assert.equal(state({ currentProblems: null }), 'up_to_date', 'unknown (tenant did not answer): the runs alone decide');
  assert.equal(state({ inFlight: true, currentProblems: { errors: 1, skipped: 0, warnings: 0 } }), 'syncing');
  assert.match(HEALTH_STATES.file_problems.why, /until fixed/);
});
