// The notes browser's pure parts: safe markdown rendering with wiki links, link resolution, backlink
// snippets, search excerpts and shorthands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLinkIndex } from '../../lib/notes/link-index.ts';
import { linkSnippets } from '../../lib/notes/link-snippets.ts';
import { excerptParts, SearchParams, splitShorthands } from '../../lib/notes/note-search.ts';
import { isSafeRel, notesHref } from '../../lib/notes/note-paths.ts';
import { renderMarkdown } from '../../lib/notes/render-markdown.ts';
import type { DirectoryNode } from '../../lib/notes/tenant-notes.ts';

const file = (file_path: string, title: string, permalink: string): DirectoryNode =>
  ({ name: file_path.split('/').pop()!, file_path, directory_path: `/${file_path}`, type: 'file', title, permalink });
const tree: DirectoryNode[] = [
  { name: 'notes', file_path: 'notes', directory_path: '/notes', type: 'directory', children: [
    file('notes/Alpha Note.md', 'Alpha Note', 'notes/alpha-note'),
    file('notes/Beta.md', 'Beta Title', 'notes/beta'),
  ] },
  file('Root.md', 'Root', 'root'),
];
const links = buildLinkIndex(tree);
const wiki = { resolve: (t: string) => links.resolve(t), href: (t: { filePath: string }) => notesHref('main', t.filePath) };

test('wiki links resolve by permalink, title, path, path without .md, and the permalink the text would have', () => {
  assert.equal(links.resolve('notes/alpha-note')?.filePath, 'notes/Alpha Note.md');
  assert.equal(links.resolve('Beta Title')?.filePath, 'notes/Beta.md');
  assert.equal(links.resolve('notes/Beta.md')?.filePath, 'notes/Beta.md');
  assert.equal(links.resolve('notes/Beta')?.filePath, 'notes/Beta.md');
  assert.equal(links.resolve('Notes/Alpha Note')?.filePath, 'notes/Alpha Note.md');
  assert.equal(links.resolve('memory://root')?.filePath, 'Root.md');
  assert.equal(links.resolve('Alpha Note|shown text')?.filePath, 'notes/Alpha Note.md');
  assert.equal(links.resolve('Nowhere'), null);
});

test('rendered markdown: wiki links become in-app links, unresolved ones a marked span', () => {
  const html = renderMarkdown('See [[Alpha Note]] and [[Beta Title|the beta]] but not [[Ghost]].', wiki);
  assert.match(html, /<a href="\/projects\/main\/notes\/notes\/Alpha%20Note\.md" class="wikilink" data-wikilink="Alpha Note">Alpha Note<\/a>/);
  assert.match(html, /<a href="\/projects\/main\/notes\/notes\/Beta\.md"[^>]*>the beta<\/a>/);
  assert.match(html, /<span class="wikilink-unresolved" title="No note named “Ghost” yet" data-wikilink="Ghost">Ghost<span class="sr-only"> \(unresolved link\)<\/span><\/span>/);
});

test('rendered markdown never carries raw HTML, script or javascript: URLs', () => {
  const evil = [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '[click](javascript:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '![img](javascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '[[<script>alert(1)</script>]]',
    '[[x" onmouseover="alert(1)]]',
    '<div onclick="alert(1)">block</div>',
  ].join('\n\n');
  const html = renderMarkdown(evil, wiki);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img[^>]*onerror/i);
  assert.doesNotMatch(html, /href="javascript:/i);
  assert.doesNotMatch(html, /href="data:/i);
  assert.doesNotMatch(html, /src="javascript:/i);
  assert.doesNotMatch(html, /<div/i);
  assert.doesNotMatch(html, /<[a-z]+(?:\s+[a-z-]+="[^"]*")*\s+on[a-z]+=/i); // no event handler attribute on any real tag
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /data-wikilink="x&quot; onmouseover=&quot;alert\(1\)"/);
});

test('external links open in a new tab without referrer; in-app links stay', () => {
  const html = renderMarkdown('[ext](https://example.com) [[Root]]', wiki);
  assert.match(html, /<a href="https:\/\/example\.com" rel="noopener noreferrer nofollow" target="_blank">ext<\/a>/);
  assert.match(html, /<a href="\/projects\/main\/notes\/Root\.md" class="wikilink"[^>]*>Root<\/a>/);
});

test('backlink snippets: the text around each matching link, on its own line, cut at word edges', () => {
  const text = '---\ntitle: B\n---\n- relates_to [[Alpha Note]] (because)\n\nA long paragraph that goes on and on, and on again, about very many things, all of them quite long, before it finally mentions [[notes/alpha-note|Alpha]] and then keeps talking for quite a while longer after it, on and on, without any end in sight at all, really.\n[[Beta Title]]';
  const s = linkSnippets(text, (t) => links.resolve(t)?.filePath === 'notes/Alpha Note.md');
  assert.equal(s.length, 2);
  assert.deepEqual(s[0], { before: 'relates_to ', link: 'Alpha Note', after: ' (because)' });
  assert.equal(s[1]!.link, 'Alpha');
  assert.ok(s[1]!.before.startsWith('…') && s[1]!.before.endsWith('finally mentions '), s[1]!.before);
  assert.ok(s[1]!.after.startsWith(' and then') && s[1]!.after.endsWith('…'), s[1]!.after);
});

test('search excerpts: <mark> becomes data, everything else stays text', () => {
  assert.deepEqual(excerptParts('a <mark>b</mark> <img src=x> <mark>c</mark>'), [
    { text: 'a ', mark: false }, { text: 'b', mark: true }, { text: ' <img src=x> ', mark: false }, { text: 'c', mark: true },
  ]);
  assert.deepEqual(excerptParts(''), []);
});

test('search shorthands: #tag and type:x become filters', () => {
  const p = splitShorthands(SearchParams.parse({ q: 'coffee #brewing type:recipe' }));
  assert.equal(p.q, 'coffee');
  assert.equal(p.tag, 'brewing');
  assert.equal(p.type, 'recipe');
  assert.equal(SearchParams.parse({ tag: '#x' }).tag, 'x');
  assert.equal(SearchParams.safeParse({ page: '0' }).success, false);
});

test('paths that could leave the project are refused', () => {
  for (const bad of ['', '../x.md', 'a/../../x.md', '/etc/passwd', 'a//b.md', 'a\\..\\b', 'a/./b.md', 'x\0.md']) assert.equal(isSafeRel(bad), false, bad);
  for (const ok of ['a.md', 'notes/Alpha Note.md', 'a/b/c.png', '..hidden.md']) assert.equal(isSafeRel(ok), true, ok);
});
