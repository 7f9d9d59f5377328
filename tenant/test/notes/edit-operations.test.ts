// Edit operations (upstream edit_note semantics) and timeframes, as pure functions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdit, EditRefused } from '../../src/notes/edit-operations.ts';
import { parseTimeframe } from '../../src/notes/timeframe.ts';

const doc = '---\ntitle: T\n---\n\n# T\n\nintro\n\n## A\none\n\n## B\ntwo\n';

test('append / prepend keep the frontmatter in place', () => {
  assert.equal(applyEdit('x', { operation: 'append', content: 'y' }), 'x\ny');
  assert.equal(applyEdit('x\n', { operation: 'append', content: 'y' }), 'x\ny');
  assert.equal(applyEdit(doc, { operation: 'prepend', content: 'first' }), '---\ntitle: T\n---\n\nfirst\n# T\n\nintro\n\n## A\none\n\n## B\ntwo\n');
  assert.equal(applyEdit('plain', { operation: 'prepend', content: 'first' }), 'first\nplain');
});

test('find_replace counts exactly; expected 0 of an absent text is a no-op, as upstream', () => {
  assert.equal(applyEdit('a b a', { operation: 'find_replace', find_text: 'a', content: 'c', expected_replacements: 2 }), 'c b c');
  assert.throws(() => applyEdit('a b a', { operation: 'find_replace', find_text: 'a', content: 'c' }), (e: Error) => e instanceof EditRefused && /Expected 1 occurrences of 'a', but found 2/.test(e.message));
  assert.throws(() => applyEdit('a', { operation: 'find_replace', find_text: 'z', content: 'c' }), /Text to replace not found: 'z'/);
  assert.throws(() => applyEdit('a', { operation: 'find_replace', find_text: '  ', content: 'c' }), /whitespace/);
  assert.equal(applyEdit('a', { operation: 'find_replace', find_text: 'z', content: 'c', expected_replacements: 0 }), 'a');
});

test('replace_section stops at the next heading, appends a missing one, refuses duplicates; a repeated header in the content is dropped', () => {
  assert.equal(applyEdit(doc, { operation: 'replace_section', section: 'A', content: 'new' }), '---\ntitle: T\n---\n\n# T\n\nintro\n\n## A\nnew\n## B\ntwo\n');
  assert.equal(applyEdit(doc, { operation: 'replace_section', section: '## A', content: '## A\nnew' }), '---\ntitle: T\n---\n\n# T\n\nintro\n\n## A\nnew\n## B\ntwo\n');
  assert.match(applyEdit(doc, { operation: 'replace_section', section: '## C', content: 'three' }), /two\n\n\n## C\nthree$/, "upstream adds a blank-line pair even after a final newline");
  assert.throws(() => applyEdit('## A\n1\n## A\n2', { operation: 'replace_section', section: '## A', content: 'x' }), /Multiple sections/);
});

test('insert before / after a section', () => {
  assert.equal(applyEdit(doc, { operation: 'insert_before_section', section: '## B', content: 'pre' }), '---\ntitle: T\n---\n\n# T\n\nintro\n\n## A\none\n\npre\n\n## B\ntwo\n');
  assert.equal(applyEdit(doc, { operation: 'insert_after_section', section: '## B', content: 'post' }), '---\ntitle: T\n---\n\n# T\n\nintro\n\n## A\none\n\n## B\npost\n\ntwo\n');
  assert.throws(() => applyEdit(doc, { operation: 'insert_after_section', section: '## Z', content: 'x' }), /not found/);
});

test('timeframes: upstream forms, at least one day back, junk refused', () => {
  const now = Date.UTC(2026, 11, 1, 12);
  const days = (s: string) => (now - parseTimeframe(s, now).getTime()) / 86_400_000;
  assert.equal(days('7d'), 7);
  assert.equal(days('2 weeks'), 14);
  assert.equal(days('3 days ago'), 3);
  assert.equal(days('1h'), 1, 'never less than a day');
  assert.equal(days('today'), 1);
  assert.equal(days('yesterday'), 2);
  assert.equal(parseTimeframe('2026-11-01', now).toISOString(), '2026-11-01T00:00:00.000Z');
  assert.throws(() => parseTimeframe('whenever', now), /Could not parse timeframe/);
});
