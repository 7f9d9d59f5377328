// Class 4 of the hardening: names that travel to macOS, Windows and Linux. Every write path refuses (with a
// message naming the actual problem) or normalises, consistently; the sync reports such names found on disk
// as warnings and still indexes the files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nameProblem, pathProblem, titleToFileName } from '../../src/fs/portable-name.ts';
import { rawRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-portable-');
const dataDir = path.join(tmp, 'data');
const main = path.join(dataDir, 'main');
let t: Tenant;

const tree = () => fs.readdirSync(main, { recursive: true, encoding: 'utf8' }).sort();

before(async () => {
  fs.mkdirSync(path.join(main, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(main, 'notes', 'Alpha.md'), '# Alpha\n');
  fs.writeFileSync(path.join(main, 'notes', 'Cafe\u0301.md'), '# NFD cafe\n'); // as macOS would hand it over
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('portable names', () => {
  test('each problem gets a message naming it', () => {
    const cases: [string, RegExp][] = [
      ['a\u0007b.md', /control character \(U\+0007\)/], ['line\nbreak.md', /control character \(U\+000A\)/], ['del\u007f.md', /U\+007F/],
      ['CON', /reserved device name on Windows \(CON\)/], ['CONIN$', /reserved device name on Windows \(CONIN\$\)/], ['conout$.txt', /CONOUT\$/], ['Conin$.tar.gz', /CONIN\$/], ['nul.txt', /reserved device name.*NUL/], ['Com1.md', /COM1/], ['LPT9.tar.gz', /LPT9/], ['aux .md', /AUX/],
      ['dot.', /ends with a dot/], ['space.md ', /ends with a space/],
      ['a<b', /'<'/], ['a>b', /'>'/], ['a:b', /':'/], ['a"b', /'"'/], ['a|b', /'\|'/], ['a?b', /'\?'/], ['a*b', /'\*'/],
      ['x'.repeat(256), /256 bytes long; the limit is 255/], ['é'.repeat(128), /256 bytes/],
    ];
    for (const [name, re] of cases) assert.match(nameProblem(name) ?? 'null', re, JSON.stringify(name));
    for (const ok of ['conin.md', 'CONOUT.md', 'conin$x.md', 'Notes.md', 'Übersicht.md', 'console.md', 'CONFIG.md', 'nullable.txt', 'com10.md', '.md', 'x'.repeat(255), '日本語のノート.md']) assert.equal(nameProblem(ok), null, ok);
    assert.match(pathProblem(`${'d'.repeat(200)}/`.repeat(6) + 'x.md') ?? '', /the path is 1210 bytes long; the limit is 1024 bytes/);
    assert.equal(titleToFileName('What? A: B <draft> | "final" *'), 'What- A- B -draft- - -final- -');
    assert.equal(titleToFileName('CON'), 'CON_');
    assert.equal(titleToFileName('Ends with dots...'), 'Ends with dots');
    assert.equal(titleToFileName('Cafe\u0301'), 'Caf\u00e9');
  });

  test('uploads, note folders and move destinations with such names are refused, naming the problem; nothing is created', async () => {
    const before = tree();
    const bad: [string, RegExp][] = [
      ['notes/CON.md', /reserved device name/], ['nul/x.md', /reserved device name/], ['notes/a%3Ab.md', /':'/], ['notes/what%3F.md', /'\?'/],
      ['notes/star*.md', /'\*'/], ['notes/pipe%7C.md', /'\|'/], ['notes/q%22.md', /'"'/], ['notes/lt%3C.md', /'<'/], ['notes/trail.', /ends with a dot/],
      ['notes/trail%20', /ends with a space/], ['notes/bell%07.md', /control character/], [`notes/${'x'.repeat(256)}.md`, /bytes long/],
      [`${'d'.repeat(250)}/`.repeat(5) + 'x.md', /the path is \d+ bytes long/],
      ['notes/alpha.md', /differs from the existing 'Alpha.md' only by case/], ['NOTES/new.md', /differs from the existing 'notes' only by case/],
      ['notes/Caf%C3%A9.md', /only by Unicode normalisation/],
    ];
    for (const [rel, re] of bad) {
      const r = await rawRequest(t, 'PUT', `/main/resource/${rel}`, { body: 'content' });
      // a case or normalisation twin is a conflict with what is there (409); a path over the limit is 414
      const want = /differs from the existing|only by Unicode/.test(String(re)) ? 409 : /the path is/.test(String(re)) ? 414 : 400;
      assert.equal(r.status, want, `${rel}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, re, rel);
    }
    for (const folder of ['CON', 'notes/a:b', 'trailing. ', 'NOTES']) {
      const r = await t.json('POST', '/main/knowledge/entities', { title: 'Fine', folder, content: 'x' });
      assert.equal(r.status, folder === 'NOTES' ? 409 : 400, `${folder}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, /Name not portable/);
    }
    for (const dest of ['notes/PRN.md', 'notes/x?.md', 'notes/ALPHA.md', 'nul.txt']) {
      const r = await t.json('POST', '/main/knowledge/move', { identifier: 'notes/Cafe\u0301.md', destination_path: dest });
      assert.equal(r.status, dest === 'notes/ALPHA.md' ? 409 : 400, `${dest}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, /Name not portable/);
    }
    assert.deepEqual(tree(), before, 'a refused write left something behind');
  });

  test('normalised: titles become portable file names, paths are stored in NFC, a case-only rename of the note itself works', async () => {
    const w = await t.json('POST', '/main/knowledge/entities', { title: 'Plans: Q1? <draft>', folder: 'notes', content: 'x' });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.file_path, 'notes/Plans- Q1- -draft-.md');
    assert.equal(w.body.title, 'Plans: Q1? <draft>');
    const nfd = await t.json('POST', '/main/knowledge/entities', { title: 'Re\u0301sume\u0301', folder: 'notes', content: 'x' });
    assert.equal(nfd.status, 200, JSON.stringify(nfd.body));
    assert.equal(nfd.body.file_path, 'notes/R\u00e9sum\u00e9.md');
    assert.ok(fs.readdirSync(path.join(main, 'notes')).includes('R\u00e9sum\u00e9.md'), 'stored in NFC');
    const up = await rawRequest(t, 'PUT', `/main/resource/${encodeURIComponent('Sche\u0301ma.md')}`, { body: 'nfd upload' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.ok(fs.existsSync(path.join(main, 'Sch\u00e9ma.md')));
    const mv = await t.json('POST', '/main/knowledge/move', { identifier: 'notes/Alpha.md', destination_path: 'notes/ALPHA.md' });
    assert.equal(mv.status, 200, JSON.stringify(mv.body));
  });

  test('the sync reports names on disk that will not travel as warnings, and still indexes the files', async () => {
    const sub = path.join(main, 'disk');
    fs.mkdirSync(sub);
    for (const n of ['CON.md', 'a:b.md', 'what?.md', 'Twin.md', 'twin.md', 'ok.md', 'tab\there.md']) fs.writeFileSync(path.join(sub, n), `# ${n}\n`);
    const r = await t.json('POST', '/main/project/sync?run_in_background=false');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const runs = await t.json('GET', '/main/project/sync-runs?limit=1');
    const run = runs.body.runs[0];
    assert.equal(run.status, 'ok');
    const warned = (p: string, re: RegExp) => assert.ok(run.warnings.some((w: any) => w.path === p && re.test(w.message)), `${p}: ${JSON.stringify(run.warnings)}`);
    warned('disk/CON.md', /reserved device name/);
    warned('disk/a:b.md', /':'/);
    warned('disk/what?.md', /'\?'/);
    warned('disk/tab\there.md', /control character \(U\+0009\)/);
    assert.ok(run.warnings.some((w: any) => /'(Twin|twin)\.md' and '(Twin|twin)\.md' differ only by case/.test(w.message)), JSON.stringify(run.warnings));
    assert.ok(!run.warnings.some((w: any) => w.path === 'disk/ok.md'));
    assert.ok(r.body.new.includes('disk/CON.md') && r.body.new.includes('disk/twin.md'), 'the files are indexed all the same');
    // reported for new or changed files, not on every scan (files this fresh are re-checked once: racy-clean rule)
    await new Promise((res) => setTimeout(res, 2200));
    await t.json('POST', '/main/project/sync?run_in_background=false');
    await t.json('POST', '/main/project/sync?run_in_background=false');
    const again = (await t.json('GET', '/main/project/sync-runs?limit=1')).body.runs[0];
    assert.deepEqual(again.warnings, []);
  });
});
