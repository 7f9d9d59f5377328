// node:test reporter that counts leaf tests (not suites) so scripts/test.mjs can print one summary line.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') {
      // A suite that fails outside its tests (hook error, file crash) still counts as a failure.
      if (event.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed') {
        counts.failed++;
        counts.failures.push(`${d.file ?? ''}: ${d.name}`);
      }
      continue;
    }
    if (d.skip || d.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      counts.failures.push(`${d.file ?? ''}: ${d.name}`);
    }
  }
  yield JSON.stringify(counts);
}
