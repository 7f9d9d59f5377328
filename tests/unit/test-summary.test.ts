// `npm test`'s summary hides nothing: a skipped suite is counted and named (node:test reports it as one event,
// its tests never one by one), Playwright skips and retried passes are named, and in CI only skips on the
// reasoned allow-list pass. The reporter runs on a real node:test run of a fixture file written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllowedSkips, playwrightSkipsAndFlakes, unlistedSkips } from '../../scripts/test-summary.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the node:test reporter counts and names every skip, a skipped suite included', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-skips-'));
  try {
    const fixture = path.join(dir, 'probe.test.mjs');
    fs.writeFileSync(fixture, `import { describe, test } from 'node:test';
describe('a skipped suite', { skip: 'no tool' }, () => { test('inner one', () => {}); test('inner two', () => {}); });
test('a skipped test', { skip: 'not today' }, () => {});
test('a todo', { todo: 'later' }, () => {});
test('skips itself', (t) => { t.skip('decided at run time'); });
test('passes', () => {});
`);
    const out = path.join(dir, 'counts.json');
    const r = spawnSync(process.execPath, ['--test', `--test-reporter=${path.join(ROOT, 'scripts/test-count-reporter.mjs')}`, `--test-reporter-destination=${out}`, fixture], {
      // A node:test child of a test would report to this run instead of to its own reporter.
      encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
    assert.equal(r.status, 0, r.stderr);
    const counts = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(counts.passed, 1);
    assert.equal(counts.failed, 0);
    assert.deepEqual(counts.skips.map((k: { name: string; reason: string }) => `${k.name}: ${k.reason}`).sort(),
      ['a skipped suite: no tool', 'a skipped test: not today', 'a todo: later', 'skips itself: decided at run time']);
    assert.equal(counts.skipped, 4, 'the skipped suite is one skip, not nothing');
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('Playwright: skipped tests and passes on retry are named', () => {
  // The shape of Playwright's JSON reporter: a suite per file, specs with tests and their tries.
  const suites = [{ title: 'a.e2e.ts', file: 'a.e2e.ts', specs: [
    { title: 'steady', file: 'a.e2e.ts', tests: [{ status: 'expected', results: [{ status: 'passed' }] }] },
    { title: 'wobbly', file: 'a.e2e.ts', tests: [{ status: 'flaky', results: [{ status: 'failed' }, { status: 'passed' }] }] },
  ], suites: [{ title: 'group', file: 'a.e2e.ts', specs: [
    { title: 'not here', file: 'a.e2e.ts', tests: [{ status: 'skipped', annotations: [{ type: 'skip', description: 'needs a GPU' }], results: [] }] },
  ] }] }];
  const seen = playwrightSkipsAndFlakes(suites);
  assert.deepEqual(seen.skips, [{ file: 'e2e/a.e2e.ts', name: 'group › not here', reason: 'needs a GPU' }]);
  assert.deepEqual(seen.flakes, ['e2e/a.e2e.ts: wobbly (failed 1 time first)']);
});

test('CI allow-list: only named, reasoned skips pass; the checked-in list is well formed', () => {
  const allowed = parseAllowedSkips(JSON.stringify({ skips: [{ file: 'tests/x.test.ts', name: 'needs root', reason: 'only a root process can drop capabilities' }] }));
  const skips = [{ file: 'tests/x.test.ts', name: 'needs root', reason: '' }, { file: 'tests/x.test.ts', name: 'something else', reason: '' },
    { file: 'tests/y.test.ts', name: 'needs root', reason: '' }];
  assert.deepEqual(unlistedSkips(skips, allowed).map((k) => `${k.file}: ${k.name}`), ['tests/x.test.ts: something else', 'tests/y.test.ts: needs root']);
  assert.throws(() => parseAllowedSkips(JSON.stringify({ skips: [{ file: 'a', name: 'b' }] })), /reason/);
  assert.throws(() => parseAllowedSkips(JSON.stringify({ skips: [{ file: 'a', name: 'b', reason: 'x' }] })), /reason/);
  assert.throws(() => parseAllowedSkips('{"skips": {}}'), /list/);
  assert.ok(Array.isArray(parseAllowedSkips(fs.readFileSync(path.join(ROOT, 'tests/allowed-skips.json'), 'utf8'))));
});
