#!/usr/bin/env node
// The one test command (`npm test`): node:test suites (unit + integration), then Playwright journeys,
// then a single closing line `N passed, N failed, N skipped` that CI recognises. Before the tests of a full run,
// the static checks: the type check over the whole repo (`tsc --noEmit`), the linter (`biome lint`), the import
// cycle check (`npm run check:cycles`) and knip (`npm run check:unused`); any of them failing is a failure in the
// summary. Every skipped test is named, and every journey that passed only on retry is reported as flaky. With
// CI=true a skip that is not on tests/allowed-skips.json (with its reason) fails.
//   npm test                 static checks + everything
//   npm test -- --unit       node:test only        npm test -- --e2e    Playwright only
//   npm test -- tenant/      only files whose path contains one of the given words
//   --static / --no-static   force the static checks on a partial run / leave them out of a full one
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllowedSkips, playwrightSkipsAndFlakes, unlistedSkips } from './test-summary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, '.test-results');
fs.mkdirSync(outDir, { recursive: true });
const args = process.argv.slice(2);
const onlyUnit = args.includes('--unit');
const onlyE2e = args.includes('--e2e');
const filters = args.filter((a) => !a.startsWith('--'));
const CI = process.env.CI === 'true' || process.env.CI === '1';
const runStatic = args.includes('--static') || (!args.includes('--no-static') && !onlyUnit && !onlyE2e && filters.length === 0);

const SKIP_DIRS = new Set(['node_modules', '.next', '.git', '.data', '.test-results', 'test-results', 'e2e', 'bench-out']);
function findFiles(dir, re, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') && e.name !== '.ci') continue;
    if (SKIP_DIRS.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, re, acc);
    else if (re.test(e.name)) acc.push(path.relative(root, p));
  }
  return acc;
}
const matches = (f) => filters.length === 0 || filters.some((w) => f.includes(w));

const total = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
const failures = [];
/** Every skip, by file and name, with the reason the test gave. */
const skips = [];
/** Journeys that failed first and passed on a retry. */
const flakes = [];

// ─── Static checks: a type error or a lint error is a failure like any other. ───────────────────────
function staticCheck(name, argv) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status === 0) { console.log(`✔ ${name}`); return; }
  total.failed++;
  failures.push(`${name} (exit ${r.status ?? r.signal})`);
}
if (runStatic) {
  staticCheck('typecheck (tsc --noEmit, whole repo)', [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
  const biome = path.join(root, 'node_modules/@biomejs/biome/bin/biome');
  if (fs.existsSync(biome)) staticCheck('lint (biome lint)', [biome, 'lint', '--no-errors-on-unmatched', root]);
  else { total.failed++; failures.push('lint: node_modules/@biomejs/biome is missing (run npm ci)'); }
  staticCheck('import cycles (dpdm, whole repo)', [path.join(root, 'scripts/check-cycles.mjs')]);
  staticCheck('unused files, exports and dependencies (knip)', [path.join(root, 'node_modules/knip/bin/knip.js'), '--no-progress']);
}

if (!onlyE2e) {
  const files = findFiles(root, /\.test\.ts$/).filter(matches).sort();
  if (files.length) {
    // Per-run file names: several `npm test` runs may share this working tree at once.
    const countsFile = path.join(outDir, `node-counts-${process.pid}.json`);
    fs.rmSync(countsFile, { force: true });
    const r = spawnSync(process.execPath, [
      '--import', 'tsx', '--test',
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
      `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 180000}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(root, 'scripts/test-count-reporter.mjs')}`, `--test-reporter-destination=${countsFile}`,
      ...files,
    ], { cwd: root, stdio: 'inherit', env: process.env });
    let counts = null;
    try { counts = JSON.parse(fs.readFileSync(countsFile, 'utf8')); } catch { /* runner crashed */ }
    fs.rmSync(countsFile, { force: true });
    if (!counts) { total.failed++; failures.push(`node:test runner exited ${r.status} without results`); }
    else {
      total.passed += counts.passed; total.failed += counts.failed; total.skipped += counts.skipped;
      failures.push(...counts.failures);
      for (const k of counts.skips ?? []) skips.push({ file: path.relative(root, k.file || root) || '(unknown file)', name: k.name, reason: k.reason || (k.todo ? 'todo' : '') });
      if (r.status !== 0 && counts.failed === 0) { total.failed++; failures.push(`node:test runner exited ${r.status}`); }
    }
  }
}

if (!onlyUnit) {
  const specs = fs.existsSync(path.join(root, 'e2e')) ? findFiles(path.join(root, 'e2e'), /\.e2e\.ts$/) : [];
  if (specs.length) {
    const jsonFile = path.join(outDir, `e2e-${process.pid}.json`);
    fs.rmSync(jsonFile, { force: true });
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', '--reporter=list,json', ...filters], {
      cwd: root, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile },
    });
    let report = null;
    try { report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')); } catch { /* config error */ }
    fs.rmSync(jsonFile, { force: true });
    if (!report) { total.failed++; failures.push(`playwright exited ${r.status} without a report`); }
    else {
      const s = report.stats;
      total.passed += s.expected + s.flaky; total.failed += s.unexpected; total.skipped += s.skipped; total.flaky += s.flaky;
      const seen = playwrightSkipsAndFlakes(report.suites ?? []);
      skips.push(...seen.skips);
      flakes.push(...seen.flakes);
      if ((report.errors ?? []).length && s.unexpected === 0) { total.failed++; failures.push('playwright: ' + report.errors[0].message?.split('\n')[0]); }
      if (r.status !== 0 && s.unexpected === 0 && !(report.errors ?? []).length) { total.failed++; failures.push(`playwright exited ${r.status}`); }
    }
  }
}

// ─── Skips: named; in CI each must be on the allow-list with a reason. ──────────────────────────────
if (skips.length) {
  console.log(`\nSkipped (${skips.length}):`);
  for (const k of skips) console.log(`  - ${k.file}: ${k.name}${k.reason ? ` (${k.reason})` : ''}`);
}
if (CI && skips.length) {
  let allowed = [];
  try { allowed = parseAllowedSkips(fs.readFileSync(path.join(root, 'tests/allowed-skips.json'), 'utf8')); } catch (err) {
    total.failed++;
    failures.push(`tests/allowed-skips.json: ${err.message}`);
  }
  for (const k of unlistedSkips(skips, allowed)) {
    total.failed++;
    failures.push(`skipped in CI and not on tests/allowed-skips.json: ${k.file}: ${k.name}`);
  }
}
if (flakes.length) {
  console.log(`\nFlaky (${flakes.length}, passed only on retry):`);
  for (const f of flakes) console.log(`  flaky: ${f}`);
}
if (failures.length) {
  console.log('\nFailed:');
  for (const f of failures) console.log('  ✗ ' + f);
}
const line = `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
fs.writeFileSync(path.join(outDir, 'summary.txt'), line + '\n');
// The flaky count rides on a line of its own; the last line stays exactly `N passed, N failed, N skipped`.
if (total.flaky) console.log(`\n${total.passed} passed (${total.flaky} flaky), ${total.failed} failed, ${total.skipped} skipped`);
console.log('\n' + line);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);

