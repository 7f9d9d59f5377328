// Pure pieces of `npm test`'s summary (scripts/test.mjs), kept apart so they are unit-tested: which Playwright
// tests were skipped or passed only on retry, the CI allow-list of skips, and which skips it does not cover.

/** Playwright's JSON report → every skipped test (with its reason) and every test that passed only on retry. */
export function playwrightSkipsAndFlakes(suites, titles = [], out = { skips: [], flakes: [] }) {
  for (const suite of suites ?? []) {
    const here = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const file = `e2e/${spec.file ?? suite.file ?? ''}`;
        // The first title is the file's own suite: the name is what follows it.
        const name = [...here.slice(1), spec.title].join(' › ');
        if (t.status === 'skipped') {
          const why = (t.annotations ?? []).find((a) => a.type === 'skip' || a.type === 'fixme')?.description ?? '';
          out.skips.push({ file, name, reason: why });
        } else if (t.status === 'flaky') {
          const failedFirst = Math.max(1, (t.results ?? []).length - 1);
          out.flakes.push(`${file}: ${name} (failed ${failedFirst} time${failedFirst === 1 ? '' : 's'} first)`);
        }
      }
    }
    playwrightSkipsAndFlakes(suite.suites ?? [], here, out);
  }
  return out;
}

/** tests/allowed-skips.json's text → its entries; throws on a malformed file or an entry without a reason. */
export function parseAllowedSkips(text) {
  const list = JSON.parse(text).skips;
  if (!Array.isArray(list)) throw new Error('"skips" must be a list');
  for (const a of list) {
    if (typeof a?.file !== 'string' || typeof a?.name !== 'string' || typeof a?.reason !== 'string' || a.reason.trim().length < 10) {
      throw new Error(`each entry needs file, name and a reason of a sentence (got ${JSON.stringify(a)})`);
    }
  }
  return list;
}

/** The skips that no allow-list entry names (same file, same test or suite name). */
export function unlistedSkips(skips, allowed) {
  return skips.filter((k) => !allowed.some((a) => a.file === k.file && a.name === k.name));
}
