// node:test reporter that counts leaf tests (not suites) so scripts/test.mjs can print one summary line,
// and names every skipped test (and every skipped suite, whose tests node:test never reports one by one).
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  const skip = (d) => {
    counts.skipped++;
    const reason = d.skip ?? d.todo;
    counts.skips.push({ file: d.file ?? '', name: d.name, reason: typeof reason === 'string' ? reason : '', todo: d.todo !== undefined });
  };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') {
      // A skipped suite is one event for all its tests: counted (and named) as one skip, never nothing.
      if (d.skip || d.todo) { skip(d); continue; }
      // A suite that fails outside its tests (hook error, file crash) still counts as a failure.
      if (event.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed') {
        counts.failed++;
        counts.failures.push(`${d.file ?? ''}: ${d.name}`);
      }
      continue;
    }
    if (d.skip || d.todo) skip(d);
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      counts.failures.push(`${d.file ?? ''}: ${d.name}`);
    }
  }
  yield JSON.stringify(counts);
}
