import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { generatePermalink } from '../../src/markdown/permalink.ts';
import { parseTags, splitFrontmatter } from '../../src/markdown/frontmatter.ts';
import { parseBody } from '../../src/markdown/body.ts';
import { parseNote } from '../../src/markdown/parse-note.ts';

describe('permalinks (contract §5.4)', () => {
  for (const [input, want] of [
    ['docs/My Feature.md', 'docs/my-feature'],
    ['specs/API (v2).md', 'specs/api-v2'],
    ['design/unified_model_refactor.md', 'design/unified-model-refactor'],
    ['中文/测试文档.md', '中文/测试文档'],
    ['Café résumé.md', 'cafe-resume'],
    ['東京 trip.md', '東京-trip'],
    ["Ann's ideas.md", 'anns-ideas'],
    ['Q&A log.md', 'q-a-log'],
    ['Über Planung/Straße.md', 'uber-planung/strasse'],
    ['camelCaseName.md', 'camel-case-name'],
    ['Notes (draft).md', 'notes-draft'],
    ['a/--b--/c.md', 'a/b/c'],
  ] as const) it(`${input} → ${want}`, () => assert.equal(generatePermalink(input), want));
});

describe('frontmatter (contract §5.1)', () => {
  it('parses title/type/tags and keeps the rest; tags from list, comma string, JSON string', () => {
    assert.deepEqual(parseTags(['#a', ' b ', 'a']), ['a', 'b']);
    assert.deepEqual(parseTags('x, #y,z'), ['x', 'y', 'z']);
    assert.deepEqual(parseTags('["p", "q"]'), ['p', 'q']);
    const n = parseNote('f/Some File.md', Buffer.from('---\ntitle: T\ntype: spec\ntags: [one, two]\nstatus: draft\ncount: 3\n---\nbody\n'));
    assert.equal(n.title, 'T');
    assert.equal(n.entityType, 'spec');
    assert.deepEqual(n.tags, ['one', 'two']);
    assert.equal(n.metadata.status, 'draft');
    assert.equal(n.metadata.count, 3);
  });

  it('missing title → file stem, missing type → note, "None" title → stem', () => {
    assert.equal(parseNote('x/Stem Name.md', Buffer.from('no frontmatter')).title, 'Stem Name');
    const n = parseNote('y.md', Buffer.from('---\ntitle: None\n---\n'));
    assert.equal(n.title, 'y');
    assert.equal(n.entityType, 'note');
  });

  it('malformed YAML → warning, whole file is body', () => {
    const f = splitFrontmatter('---\na: [b\n---\ntext');
    assert.ok(f.warning);
    assert.deepEqual(f.data, {});
    assert.equal(f.body, '---\na: [b\n---\ntext');
  });

  it('the fast path gives exactly what the YAML parser gives', () => {
    const samples = [
      'title: "Quoted"\ntype: note\npermalink: a/b-c\ntags:\n- x\n- y',
      "title: 'single'\ntags:\n  - a\n  - b",
      'title: plain words here\ntags: []',
      'title: x\nempty:',
      'title: yes', 'title: 123', 'title: 2024-01-01', 'title: a: b', 'title: x # comment', 'title: [a, b]', 'title: "esc \\" q"',
      'title: ~', 'title: null', 'a: 1.5', 'title: &anchor x\nother: *anchor', 'nested:\n  key: v', 'title: multi\n  line',
      'tags:\n- a\n  - b', 'title: x\ntitle: y', 'list:\n- "q"\n- plain', 'title: -dash', 'title: Café résumé', 'title: 東京 trip',
    ];
    for (const y of samples) {
      const text = `---\n${y}\n---\nbody`;
      const ours = splitFrontmatter(text);
      let expected: unknown;
      try { expected = YAML.parse(y, { uniqueKeys: false }) ?? {}; } catch { expected = 'error'; }
      if (expected === 'error') assert.ok(ours.warning, y);
      else assert.deepEqual(ours.data, JSON.parse(JSON.stringify(expected)), y);
    }
  });
});

describe('observations and relations (contract §5.2, §5.3)', () => {
  it('parses categories, tags, context; skips tasks and code blocks', () => {
    const b = parseBody([
      '- [idea] Build it #fast #cheap (from the meeting)',
      '- [fact] tags#in#word #a#b',
      '- [ ] a task #not',
      '- [x] done task',
      '- plain item #tagged',
      '- plain item without tags',
      '```', '- [idea] inside code', '- relates_to [[Code]]', '```',
      '* [question] star bullet?',
    ].join('\n'));
    assert.deepEqual(b.observations.map((o) => [o.category, o.content, o.tags, o.context]), [
      ['idea', 'Build it #fast #cheap', ['fast', 'cheap'], 'from the meeting'],
      ['fact', 'tags#in#word #a#b', ['a', 'b'], null],
      [null, 'plain item #tagged', ['tagged'], null],
      ['question', 'star bullet?', [], null],
    ]);
  });

  it('explicit relations, implicit links, aliases, dedupe', () => {
    const b = parseBody([
      '- implements [[Search Design]] (v2 only)',
      '- [[Bare Target]]',
      '- depends on [[Thing|alias]]',
      'Prose mentioning [[Other Note]] and [[Search Design]].',
      '- implements [[Search Design]] (again)',
    ].join('\n'));
    assert.deepEqual(b.relations.map((r) => [r.relation_type, r.target, r.context]), [
      ['implements', 'Search Design', 'v2 only'],
      ['relates_to', 'Bare Target', null],
      ['depends on', 'Thing', null],
      ['links_to', 'Other Note', null],
      ['links_to', 'Search Design', null],
    ]);
  });

  it('a 10 MB single line is handled in linear time', () => {
    const t = performance.now();
    const b = parseBody(`${'[[x '.repeat(2_500_000)}\n- [idea] after`);
    assert.ok(performance.now() - t < 3000);
    assert.equal(b.observations.length, 1);
    assert.equal(b.warnings.length, 1);
  });

  it('binary junk and invalid UTF-8 are reported, not fatal', () => {
    assert.match(parseNote('j.md', Buffer.from([0, 1, 2, 3, 0, 255])).warnings[0]!, /binary/);
    const n = parseNote('l.md', Buffer.from([0x68, 0xe9, 0x6c, 0x6c, 0x6f]));
    assert.match(n.warnings[0]!, /UTF-8/);
    assert.equal(n.title, 'l');
  });
});
