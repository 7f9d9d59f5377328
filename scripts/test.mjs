#!/usr/bin/env node
// The one test command (`npm test`): node:test suites (unit + integration), then Playwright journeys,
// then a single closing line `N passed, N failed, N skipped` that CI recognises.
//   npm test                 everything
//   npm test -- --unit       node:test only        npm test -- --e2e    Playwright only
//   npm test -- tenant/      only files whose path contains one of the given words
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, '.test-results');
fs.mkdirSync(outDir, { recursive: true });
const args = process.argv.slice(2);
const onlyUnit = args.includes('--unit');
const onlyE2e = args.includes('--e2e');
const filters = args.filter((a) => !a.startsWith('--'));

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

const total = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

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
      total.passed += s.expected + s.flaky; total.failed += s.unexpected; total.skipped += s.skipped;
      if ((report.errors ?? []).length && s.unexpected === 0) { total.failed++; failures.push('playwright: ' + report.errors[0].message?.split('\n')[0]); }
      if (r.status !== 0 && s.unexpected === 0 && !(report.errors ?? []).length) { total.failed++; failures.push(`playwright exited ${r.status}`); }
    }
  }
}

if (failures.length) {
  console.log('\nFailed:');
  for (const f of failures) console.log('  ✗ ' + f);
}
const line = `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
fs.writeFileSync(path.join(outDir, 'summary.txt'), line + '\n');
console.log('\n' + line);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
