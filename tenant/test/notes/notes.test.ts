import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, NotFoundError, PathError } from '../../src/engine.ts';
import { assertIndexMatches, fixture, write } from '../sync/helpers.ts';

describe('notes: write, read, move, delete', () => {
  it('writes a note atomically (frontmatter, permalink), indexes it immediately, refuses to overwrite', async () => {
    const f = fixture();
    try {
      write(f.root, 'target.md', '---\ntitle: Target Note\n---\nhi\n');
      await f.engine.sync('main', { trigger: 'api' });
      const e = await f.engine.writeNote('main', {
        title: 'Search Design', folder: 'specs', entity_type: 'spec', entity_metadata: { status: 'draft' },
        content: '# Search Design\n\n- [decision] Use FTS5 #search (fast)\n- implements [[Target Note]]\n- depends_on [[Not Yet]]\n',
      });
      assert.equal(e.file_path, 'specs/Search Design.md');
      assert.equal(e.permalink, 'specs/search-design');
      assert.equal(e.title, 'Search Design');
      assert.equal(e.entity_type, 'spec');
      assert.equal(e.content_type, 'text/markdown');
      assert.equal(e.entity_metadata.status, 'draft');
      assert.match(e.checksum!, /^[0-9a-f]{64}$/);
      assert.deepEqual(e.observations.map((o) => [o.category, o.content, o.tags, o.context]), [['decision', 'Use FTS5 #search', ['search'], 'fast']]);
      assert.deepEqual(e.relations.map((r) => [r.relation_type, r.to_id, r.to_name]), [['implements', 'target', 'Target Note'], ['depends_on', null, 'Not Yet']]);
      const text = fs.readFileSync(path.join(f.root, 'specs/Search Design.md'), 'utf8');
      assert.match(text, /^---\ntitle: Search Design\ntype: spec\npermalink: specs\/search-design\nstatus: draft\n---\n\n# Search Design/);
      assert.deepEqual(fs.readdirSync(path.join(f.root, 'specs')), ['Search Design.md']); // no temp file left
      assert.equal(f.engine.search('main', { text: 'fts5', page: 1, page_size: 10 }).results[0]!.permalink, 'specs/search-design');
      await assert.rejects(f.engine.writeNote('main', { title: 'Search Design', folder: 'specs', content: 'again' }), ConflictError);
      // a forward reference resolves when its target appears
      const later = await f.engine.writeNote('main', { title: 'Not Yet', folder: '', content: 'now here' });
      assert.equal(later.file_path, 'Not Yet.md');
      assert.equal(f.engine.getEntity('main', 'specs/search-design')!.relations[1]!.to_id, 'not-yet');
      // the sync sees nothing new afterwards (it never rewrites the file either)
      const before = fs.readFileSync(path.join(f.root, 'specs/Search Design.md'));
      const r = await f.engine.sync('main', { trigger: 'schedule' });
      assert.deepEqual([r.new, r.modified, r.deleted], [0, 0, 0]);
      assert.deepEqual(fs.readFileSync(path.join(f.root, 'specs/Search Design.md')), before);
      assertIndexMatches(f.engine, 'main', f.root);
    } finally { f.cleanup(); }
  });

  it('moves a note keeping its id and permalink; refuses an occupied destination; deletes', async () => {
    const f = fixture();
    try {
      const a = await f.engine.writeNote('main', { title: 'Alpha', folder: 'inbox', content: 'alpha body' });
      await f.engine.writeNote('main', { title: 'Beta', folder: 'inbox', content: 'beta body links [[Alpha]]' });
      const moved = await f.engine.moveNote('main', 'inbox/alpha', 'archive/2024/Alpha.md');
      assert.equal(moved.id, a.id);
      assert.equal(moved.permalink, 'inbox/alpha');
      assert.equal(moved.file_path, 'archive/2024/Alpha.md');
      assert.ok(fs.existsSync(path.join(f.root, 'archive/2024/Alpha.md')));
      assert.ok(!fs.existsSync(path.join(f.root, 'inbox/Alpha.md')));
      assert.equal(f.engine.getEntity('main', 'inbox/beta')!.relations[0]!.to_id, 'inbox/alpha');
      await assert.rejects(f.engine.moveNote('main', 'inbox/beta', 'archive/2024/Alpha.md'), ConflictError);
      await assert.rejects(f.engine.moveNote('main', 'nope', 'x.md'), NotFoundError);
      assert.equal(await f.engine.deleteNote('main', 'Alpha'), true);
      assert.equal(await f.engine.deleteNote('main', 'Alpha'), false);
      assert.ok(!fs.existsSync(path.join(f.root, 'archive/2024/Alpha.md')));
      assert.equal(f.engine.getEntity('main', 'inbox/beta')!.relations[0]!.to_id, null); // back to a forward reference
      const r = await f.engine.sync('main', { trigger: 'schedule' });
      assert.deepEqual([r.new, r.modified, r.deleted, r.moved], [0, 0, 0, 0]);
      assertIndexMatches(f.engine, 'main', f.root);
    } finally { f.cleanup(); }
  });

  it('readResource by path or permalink, with content type', async () => {
    const f = fixture();
    try {
      write(f.root, 'docs/a.md', '# a');
      write(f.root, 'img/p.png', Buffer.alloc(10));
      await f.engine.sync('main', { trigger: 'api' });
      const r = f.engine.readResource('main', 'docs/a.md');
      assert.equal(r.contentType, 'text/markdown');
      assert.equal(r.size, 3);
      assert.equal(r.absPath, path.join(f.root, 'docs/a.md'));
      assert.equal(f.engine.readResource('main', 'docs/a').absPath, path.join(f.root, 'docs/a.md'));
      assert.equal(f.engine.readResource('main', 'img/p.png').contentType, 'image/png');
      assert.throws(() => f.engine.readResource('main', 'missing.md'), NotFoundError);
    } finally { f.cleanup(); }
  });
});

describe('path confinement', () => {
  it('refuses .., encoded forms, absolute paths, NUL bytes, backslashes and symlinks leading outside; touches nothing', async () => {
    const f = fixture();
    try {
      const outside = path.join(f.dir, 'outside');
      write(outside, 'secret.md', 'secret');
      fs.symlinkSync(outside, path.join(f.root, 'escape'));
      fs.symlinkSync(path.join(outside, 'secret.md'), path.join(f.root, 'link.md'));
      write(f.root, 'ok.md', 'fine');
      await f.engine.sync('main', { trigger: 'api' });
      const bad = ['../outside/secret.md', 'a/../../outside/secret.md', '%2e%2e/outside/secret.md', '..%2Foutside',
        '/etc/passwd', 'C:/x', 'a\\..\\..\\x', 'ok.md\0.png', 'escape/secret.md', 'link.md', '..'];
      for (const p of bad) {
        assert.throws(() => f.engine.readResource('main', p), PathError, p);
        await assert.rejects(f.engine.moveNote('main', 'ok.md', p), PathError, p);
        await assert.rejects(f.engine.writeNote('main', { title: 'x', folder: p, content: 'x' }), PathError, p);
        assert.throws(() => f.engine.listDirectory('main', p === '/etc/passwd' ? '../x' : p, 1), PathError, p);
      }
      await assert.rejects(f.engine.writeNote('main', { title: '../../evil', folder: '', content: 'x' }), PathError);
      await assert.rejects(f.engine.writeNote('main', { title: 'x', folder: '.hidden', content: 'x' }), PathError);
      assert.deepEqual(fs.readdirSync(outside), ['secret.md']);
      assert.equal(fs.readFileSync(path.join(outside, 'secret.md'), 'utf8'), 'secret');
      assert.deepEqual(fs.readdirSync(f.root).sort(), ['escape', 'link.md', 'ok.md']);
      assert.ok(fs.existsSync(path.join(f.root, 'ok.md')));
    } finally { f.cleanup(); }
  });
});

describe('search, directory listing, project info', () => {
  it('search ranks title matches first, pages, snippets; never throws on FTS syntax', async () => {
    const f = fixture();
    try {
      write(f.root, 'kafka.md', '---\ntitle: Kafka Notes\n---\nsomething about streams\n');
      for (let i = 0; i < 12; i++) write(f.root, `other${i}.md`, `---\ntitle: Other ${i}\n---\nwe once mentioned kafka in passing ${i}\n`);
      write(f.root, 'obs.md', '- [risk] zookeeper outage #ops\n');
      write(f.root, 'Café.md', 'résumé text');
      await f.engine.sync('main', { trigger: 'api' });
      const p1 = f.engine.search('main', { text: 'kafka', page: 1, page_size: 5 });
      assert.equal(p1.results[0]!.title, 'Kafka Notes');
      assert.equal(p1.results.length, 5);
      assert.equal(p1.has_more, true);
      assert.equal(p1.total, 13, 'every match counted, not just the page');
      assert.ok(p1.results[0]!.score > 0);
      const p3 = f.engine.search('main', { text: 'kafka', page: 3, page_size: 5 });
      assert.equal(p3.results.length, 3);
      assert.equal(p3.has_more, false);
      assert.equal(p3.total, 13);
      assert.equal(f.engine.search('main', { text: 'kafka', page: 9, page_size: 5 }).total, 13, 'a page past the end still counts');
      const items = f.engine.search('main', { text: 'kafka', page: 1, page_size: 5, entity_types: ['entity', 'observation'] });
      assert.equal(items.results.length, 5);
      assert.equal(items.total, 13);
      assert.equal(items.has_more, true);
      assert.match(f.engine.search('main', { text: 'passing', page: 1, page_size: 1 }).results[0]!.matched_snippet, /<mark>passing<\/mark>/);
      assert.equal(f.engine.search('main', { text: 'zookeep', page: 1, page_size: 5 }).results[0]!.file_path, 'obs.md');
      assert.equal(f.engine.search('main', { text: 'resume', page: 1, page_size: 5 }).results[0]!.file_path, 'Café.md');
      for (const q of ['"unbalanced', 'a AND OR', '*', 'NEAR(', '']) assert.doesNotThrow(() => f.engine.search('main', { text: q, page: 1, page_size: 5 }));
    } finally { f.cleanup(); }
  });

  it('search stays in its project (the project is part of the MATCH): filters, reindex; an older index is rebuilt', async () => {
    const f = fixture();
    try {
      const other = path.join(f.data, 'other');
      write(f.root, 'mine.md', '---\ntitle: Mine\n---\nkafka streams 11 12\n');
      write(f.root, 'plain.md', 'nothing to see\n');
      write(other, 'theirs.md', '---\ntitle: Theirs\ntype: spec\n---\nkafka streams 11 12\n');
      for (let i = 0; i < 5; i++) write(other, `kafka${i}.md`, `kafka kafka kafka ${i}\n`);
      f.engine.registerProject('other', 'other');
      await f.engine.sync('main', { trigger: 'api' });
      await f.engine.sync('other', { trigger: 'api' });
      const files = (project: string, q: Omit<Parameters<typeof f.engine.search>[1], 'page' | 'page_size'>) =>
        f.engine.search(project, { page: 1, page_size: 20, ...q }).results.map((r) => r.file_path).sort();
      assert.deepEqual(files('main', { text: 'kafka' }), ['mine.md']);
      assert.deepEqual(files('other', { text: 'kafka' }), ['kafka0.md', 'kafka1.md', 'kafka2.md', 'kafka3.md', 'kafka4.md', 'theirs.md']);
      // no word (or prefix) reaches the project column: its token is '\uE000' + id, which no query word can hold
      assert.deepEqual(files('main', { text: '1' }), ['mine.md']);
      assert.deepEqual(files('main', { text: '\uE0001' }), ['mine.md']);
      assert.deepEqual(files('main', { text: '\uE000' }), []);
      assert.deepEqual(files('other', { text: 'kafka', note_types: ['spec'] }), ['theirs.md']);
      assert.deepEqual(files('main', { text: 'kafka', note_types: ['spec'] }), []);
      assert.equal(await f.engine.reindexSearch('main'), 2);
      assert.deepEqual(files('main', { text: 'streams' }), ['mine.md']);
      assert.deepEqual(files('other', { text: 'streams' }), ['theirs.md']);
      // an index written by the previous schema (no project column) is rebuilt from the files on open
      f.engine.close();
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(path.join(f.index, 'index.sqlite'));
      db.exec(`UPDATE meta SET value = '3' WHERE key = 'schema_version'`);
      db.close();
      const e = f.reopen();
      assert.equal(e.indexExisted, false);
      e.registerProject('other', 'other');
      await e.rebuildAll(['main', 'other']);
      assert.deepEqual(files('main', { text: 'kafka' }), ['mine.md']);
      assert.deepEqual(files('other', { text: 'theirs' }), ['theirs.md']);
    } finally { f.cleanup(); }
  });

  it('lists a directory to a depth', async () => {
    const f = fixture();
    try {
      for (const p of ['a.md', 'd1/b.md', 'd1/d2/c.md', 'd1/d2/d3/e.md', 'z/y.pdf']) write(f.root, p, 'x');
      await f.engine.sync('main', { trigger: 'api' });
      const top = f.engine.listDirectory('main', '/', 1);
      assert.deepEqual(top.map((n) => [n.type, n.name]), [['file', 'a.md'], ['directory', 'd1'], ['directory', 'z']]);
      assert.equal(top[1]!.children, undefined);
      const deep = f.engine.listDirectory('main', 'd1', 2);
      assert.deepEqual(deep.map((n) => [n.type, n.name]), [['file', 'b.md'], ['directory', 'd2']]);
      assert.deepEqual(deep[1]!.children!.map((n) => [n.type, n.file_path]), [['file', 'd1/d2/c.md'], ['directory', 'd1/d2/d3']]);
    } finally { f.cleanup(); }
  });

  it('project info statistics', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', '---\ntype: person\n---\n- [fact] one\n- [idea] two\n- knows [[b]]\n- knows [[Nobody]]\n');
      write(f.root, 'b.md', 'plain');
      write(f.root, 'c.md', 'isolated');
      await f.engine.sync('main', { trigger: 'api' });
      const info = f.engine.projectInfo('main');
      const s = info.statistics;
      assert.deepEqual([s.total_entities, s.total_observations, s.total_relations, s.total_unresolved_relations], [3, 2, 2, 1]);
      assert.deepEqual(s.entity_types, { note: 2, person: 1 });
      assert.deepEqual(s.observation_categories, { fact: 1, idea: 1 });
      assert.deepEqual(s.relation_types, { knows: 2 });
      assert.equal(s.most_connected_entities[0]!.file_path, 'a.md');
      assert.equal(s.isolated_entities, 1);
      assert.equal(info.activity.recently_created.length, 3);
      assert.equal(Object.keys(info.activity.monthly_growth).length, 6);
      assert.ok(info.index.database_size_bytes > 0);
      assert.equal(info.index.last_sync!.project, 'main');
    } finally { f.cleanup(); }
  });

  it('unknown project → NotFoundError; unregister drops rows but never files', async () => {
    const f = fixture();
    try {
      write(f.root, 'a.md', 'x');
      await f.engine.sync('main', { trigger: 'api' });
      assert.throws(() => f.engine.search('nope', { text: 'x', page: 1, page_size: 1 }), NotFoundError);
      await assert.rejects(f.engine.sync('nope', { trigger: 'api' }), NotFoundError);
      f.engine.unregisterProject('main');
      assert.ok(fs.existsSync(path.join(f.root, 'a.md')));
      assert.throws(() => f.engine.indexedFiles('main'), NotFoundError);
      f.engine.registerProject('main', 'main');
      assert.equal(f.engine.indexedFiles('main').length, 0);
      assert.equal(f.engine.search('main', { text: 'x', page: 1, page_size: 1 }).results.length, 0);
    } finally { f.cleanup(); }
  });
});
