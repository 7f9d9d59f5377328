// File names are judged the same on every path (note API v1 and v2, resources, WebDAV, archive), reads as well as
// writes: a name written in NFD reads back asked in NFD or NFC; Windows device names (CONIN$/CONOUT$ too) are
// refused; a case-only twin is 409; a name or path too long says so (400 / 414 with {"detail"}); hidden and
// internal paths answer 403 (404 to WebDAV reads) and are never listed. Real tenant process on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { davRequest, rawRequest, startTenant, tempDir, v2Base, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-names-');
const dataDir = path.join(tmp, 'data');
const main = path.join(dataDir, 'main');
let t: Tenant;
const NFD = 'Cafe\u0301 Notes';
const NFC = NFD.normalize('NFC');

before(async () => {
  fs.mkdirSync(path.join(main, 'docs'), { recursive: true });
  // on disk in NFD, as macOS or rclone from a Mac hands it over, inside an NFD folder too
  fs.mkdirSync(path.join(main, 'Re\u0301sume\u0301'), { recursive: true });
  fs.writeFileSync(path.join(main, 'docs', `${NFD}.md`), '# Cafe\n\nwritten in NFD\n');
  fs.writeFileSync(path.join(main, 'Re\u0301sume\u0301', 'plan.md'), '# Plan\n\nin an NFD folder\n');
  fs.writeFileSync(path.join(main, 'docs', 'Readme.md'), '# Readme\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  assert.equal((await t.json('POST', '/main/project/sync?run_in_background=false')).status, 200);
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const enc = (rel: string) => rel.split('/').map(encodeURIComponent).join('/');

describe('file names, the same on every path', () => {
  test('a name written in NFD reads back asked in NFD or NFC: resource, note, v2, WebDAV', async () => {
    for (const form of [NFD, NFC]) {
      const r = await rawRequest(t, 'GET', `/main/resource/${enc(`docs/${form}.md`)}`);
      assert.equal(r.status, 200, `resource ${JSON.stringify(form)}: ${r.status} ${JSON.stringify(r.body)}`);
      const folder = await rawRequest(t, 'GET', `/main/resource/${enc(`${'Re\u0301sume\u0301'.normalize(form === NFD ? 'NFD' : 'NFC')}/plan.md`)}`);
      assert.equal(folder.status, 200, `NFD folder asked in ${form === NFD ? 'NFD' : 'NFC'}`);
      const note = await t.json('GET', `/main/knowledge/entities/${enc(`docs/${form}.md`)}`);
      assert.equal(note.status, 200, `note ${JSON.stringify(form)}: ${JSON.stringify(note.body)}`);
      const dav = await davRequest(t, 'GET', `/webdav/main/${enc(`docs/${form}.md`)}`);
      assert.equal(dav.status, 200, `webdav ${JSON.stringify(form)}: ${dav.status} ${dav.bytes.toString()}`);
      assert.match(dav.bytes.toString(), /written in NFD/);
    }
    // and a name the API wrote (stored NFC) reads back asked in NFD
    const w = await rawRequest(t, 'PUT', `/main/resource/${enc('docs/Übersicht.md')}`, { body: '# Ü\n' });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    const nfd = await rawRequest(t, 'GET', `/main/resource/${enc('docs/Übersicht.md'.normalize('NFD'))}`);
    assert.equal(nfd.status, 200);
    const dav = await davRequest(t, 'GET', `/webdav/main/${enc('docs/Übersicht.md'.normalize('NFD'))}`);
    assert.equal(dav.status, 200);
  });

  test('Windows device names, CONIN$ and CONOUT$ with any extension and case, are refused on every write path', async () => {
    const v2 = await v2Base(t);
    for (const name of ['CONIN$.md', 'conout$.txt', 'Conin$.tar.gz', 'nul.md', 'COM7.md', 'lpt1']) {
      const put = await rawRequest(t, 'PUT', `/main/resource/docs/${encodeURIComponent(name)}`, { body: 'x' });
      assert.equal(put.status, 400, `PUT ${name}: ${put.status} ${JSON.stringify(put.body)}`);
      assert.match(put.body.detail, /reserved device name/);
      const dav = await davRequest(t, 'PUT', `/webdav/main/docs/${encodeURIComponent(name)}`, {}, 'x');
      assert.ok(dav.status >= 400 && dav.status < 500, `WebDAV PUT ${name}: ${dav.status}`);
      const folder = await t.json('POST', `${v2}/knowledge/entities`, { title: 'Fine', folder: name.replace(/\..*$/, ''), content: 'x' });
      assert.ok(folder.status === 400 || folder.status === 422, `v2 folder ${name}: ${folder.status} ${JSON.stringify(folder.body)}`);
    }
    assert.ok(!fs.readdirSync(path.join(main, 'docs')).some((n) => /^(conin|conout|nul|com7|lpt1)/i.test(n)), 'nothing created');
  });

  test('a case-only twin is 409 on the note API, resources and WebDAV; nothing is created', async () => {
    const before = fs.readdirSync(path.join(main, 'docs')).sort();
    const put = await rawRequest(t, 'PUT', '/main/resource/docs/README.md', { body: 'x' });
    assert.equal(put.status, 409, JSON.stringify(put.body));
    assert.match(put.body.detail, /differs from the existing 'Readme.md' only by case/);
    const note = await t.json('POST', '/main/knowledge/entities', { title: 'README', folder: 'docs', content: 'x' });
    assert.equal(note.status, 409, JSON.stringify(note.body));
    const folder = await t.json('POST', '/main/knowledge/entities', { title: 'New', folder: 'DOCS', content: 'x' });
    assert.equal(folder.status, 409, JSON.stringify(folder.body));
    const dav = await davRequest(t, 'PUT', '/webdav/main/docs/README.md', {}, 'x');
    assert.equal(dav.status, 409, dav.bytes.toString());
    assert.deepEqual(fs.readdirSync(path.join(main, 'docs')).sort(), before);
  });

  test('a name over 255 bytes is 400 and a path over 1024 bytes 414, with {"detail"}, on reads as on writes', async () => {
    const longName = `docs/${'n'.repeat(300)}.md`;
    const longPath = `${'d'.repeat(200)}/`.repeat(6) + 'x.md';
    for (const [rel, status, re] of [[longName, 400, /Name too long|bytes long; the limit is 255/], [longPath, 414, /the path is \d+ bytes long; the limit is 1024/]] as const) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const url = method === 'DELETE' ? `/main/knowledge/entities/${rel}` : `/main/resource/${rel}`;
        const r = await rawRequest(t, method, url, method === 'PUT' ? { body: 'x' } : {});
        assert.equal(r.status, status, `${method} ${rel.length}: ${r.status} ${JSON.stringify(r.body)}`);
        assert.match(r.body.detail, re);
      }
      const note = await t.json('GET', `/main/knowledge/entities/${rel}`);
      assert.equal(note.status, status, JSON.stringify(note.body));
    }
  });

  test('hidden and internal paths answer 403 on the API (404 to WebDAV reads) and are never listed', async () => {
    fs.mkdirSync(path.join(main, '.basic-memory'), { recursive: true });
    fs.writeFileSync(path.join(main, '.basic-memory', 'x.md'), 'internal');
    fs.writeFileSync(path.join(main, 'docs', '.hidden.md'), 'dotfile');
    const v2 = await v2Base(t);
    for (const rel of ['.basic-memory/x.md', 'docs/.hidden.md', '.basic-memory/trash/x', 'docs/.bm-tmp-00.tmp']) {
      const get = await rawRequest(t, 'GET', `/main/resource/${rel}`);
      assert.equal(get.status, 403, `GET ${rel}: ${get.status}`);
      assert.ok(!/internal|dotfile/.test(JSON.stringify(get.body)));
      const put = await rawRequest(t, 'PUT', `/main/resource/${rel}`, { body: 'x' });
      assert.equal(put.status, 403, `PUT ${rel}: ${put.status}`);
      const del = await rawRequest(t, 'DELETE', `/main/knowledge/entities/${rel}`);
      assert.equal(del.status, 403, `DELETE ${rel}: ${del.status}`);
      const davGet = await davRequest(t, 'GET', `/webdav/main/${rel}`);
      assert.equal(davGet.status, 404, `WebDAV GET ${rel}`);
      const davPut = await davRequest(t, 'PUT', `/webdav/main/${rel}`, {}, 'x');
      assert.equal(davPut.status, 403, `WebDAV PUT ${rel}`);
    }
    const list = await t.json('GET', '/main/directory/list?dir_name=/&depth=5');
    const v2list = await t.json('GET', `${v2}/directory/list?dir_name=/&depth=5`);
    const prop = await davRequest(t, 'PROPFIND', '/webdav/main/', { depth: 'infinity' });
    const zip = await davRequest(t, 'GET', '/main/archive.zip');
    for (const [what, text] of [['v1 list', JSON.stringify(list.body)], ['v2 list', JSON.stringify(v2list.body)], ['PROPFIND', prop.bytes.toString()], ['archive', zip.bytes.toString('latin1')]]) {
      assert.ok(!/basic-memory|\.hidden|bm-tmp/.test(text!), `${what} lists a hidden path`);
    }
    assert.equal(fs.readFileSync(path.join(main, '.basic-memory', 'x.md'), 'utf8'), 'internal');
  });
});
