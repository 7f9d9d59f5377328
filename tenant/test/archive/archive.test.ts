// ZIP download and upload on a real tenant process: streamed archives of a project or folder; uploaded archives
// written entry by entry like any other upload (confined, hidden/ignored refused, indexed), bad entries reported.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { signRequest } from '../../src/auth/request-signature.ts';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

/** `announce`: send only the headers, announcing that many bytes (an answer from Content-Length alone). */
function req(t: Tenant, method: string, p: string, body?: Buffer, announce?: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const headers: Record<string, string> = { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method, pathAndQuery: p }) };
  if (body || announce) { headers['content-type'] = 'application/zip'; headers['content-length'] = String(announce ?? body!.length); }
  return new Promise((resolve, reject) => {
    let done = false;
    const r = http.request({ host: '127.0.0.1', port: t.port, method, path: p, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => { done = true; resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }); });
    });
    // An early refusal (413 before the whole body is sent) can reach this client as EPIPE while it is still
    // writing; the answer follows, so only an error with no answer shortly after is a failure.
    r.on('error', (err) => { if (!done) setTimeout(() => { if (!done) reject(err); }, 200); });
    if (announce) { r.flushHeaders(); r.on('response', (res) => res.on('end', () => r.destroy())); } else r.end(body);
  });
}

function unzip(buf: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: Record<string, string> = {};
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2) return reject(err2);
          const parts: Buffer[] = [];
          s.on('data', (c: Buffer) => parts.push(c));
          s.on('end', () => { out[e.fileName] = Buffer.concat(parts).toString('utf8'); zip.readEntry(); });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

function makeZip(entries: [name: string | Buffer, content: string, opts?: Partial<yazl.Options>][]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, content, opts] of entries) z.addBuffer(Buffer.from(content), name as string, opts);
  z.end();
  return new Promise((resolve) => { const parts: Buffer[] = []; z.outputStream.on('data', (c: Buffer) => parts.push(c)); z.outputStream.on('end', () => resolve(Buffer.concat(parts))); });
}

describe('project ZIP download and upload', () => {
  const data = tempDir('bm-zip-');
  let t: Tenant;
  let main: string;
  before(async () => {
    main = path.join(data, 'main');
    fs.mkdirSync(path.join(main, 'notes/deep'), { recursive: true });
    fs.writeFileSync(path.join(main, 'top.md'), '# top\n');
    fs.writeFileSync(path.join(main, 'notes/a.md'), '# a\n');
    fs.writeFileSync(path.join(main, 'notes/deep/b.md'), '# b\n');
    fs.writeFileSync(path.join(main, '.secret'), 'hidden');
    fs.symlinkSync('/etc/passwd', path.join(main, 'notes/link.md'));
    t = await startTenant({ dataDir: data, args: ['--max-upload-mb', '1'] });
    await t.waitHealthy();
  });
  after(async () => { await t.stop(); fs.rmSync(data, { recursive: true, force: true }); fs.rmSync(data + '-index', { recursive: true, force: true }); });

  test('the whole project and one folder download as ZIPs of the synced files', async () => {
    const all = await req(t, 'GET', '/main/archive.zip');
    assert.equal(all.status, 200);
    assert.equal(all.headers['content-type'], 'application/zip');
    assert.match(String(all.headers['content-disposition']), /attachment; filename="main\.zip"/);
    assert.deepEqual(await unzip(all.body), { 'notes/a.md': '# a\n', 'notes/deep/b.md': '# b\n', 'top.md': '# top\n' });
    const folder = await req(t, 'GET', '/main/archive.zip?folder=notes');
    assert.deepEqual(await unzip(folder.body), { 'a.md': '# a\n', 'deep/b.md': '# b\n' });
    assert.equal((await req(t, 'GET', '/main/archive.zip?folder=..')).status, 400);
    assert.equal((await req(t, 'GET', '/main/archive.zip?folder=nope')).status, 404);
  });

  test('an uploaded ZIP is written entry by entry; traversal, hidden, ignored and non-UTF-8 names are reported and skipped', async () => {
    const zip = await makeZip([
      ['inbox/new-note.md', '# New\n\nthe pangolin ledger\n'],
      ['inbox/data.csv', 'a,b\n1,2\n'],
      ['XX/escape.md', 'no'],
      ['Bad-name.md', 'no'],
      ['.hidden/x.md', 'no'],
      ['node_modules/x.js', 'no'],
    ]);
    // yazl refuses "../" and invalid names itself: patch them into the bytes (same lengths, local and central headers)
    const patched = Buffer.from(zip);
    const swap = (from: string, to: Buffer) => { for (let i = patched.indexOf(from); i !== -1; i = patched.indexOf(from, i + 1)) to.copy(patched, i); };
    swap('XX/escape.md', Buffer.from('../escape.md'));
    swap('Bad-name.md', Buffer.from([0xff, ...Buffer.from('ad-name.md')]));
    const wrote = await req(t, 'POST', '/main/archive?folder=imported', patched);
    assert.equal(wrote.status, 201, wrote.body.toString());
    const report = JSON.parse(wrote.body.toString());
    assert.deepEqual(report.written.sort(), ['imported/inbox/data.csv', 'imported/inbox/new-note.md']);
    assert.equal(report.skipped.length, 4, JSON.stringify(report.skipped));
    assert.equal(fs.readFileSync(path.join(main, 'imported/inbox/new-note.md'), 'utf8'), '# New\n\nthe pangolin ledger\n');
    assert.ok(!fs.existsSync(path.join(data, 'escape.md')) && !fs.existsSync(path.join(main, 'escape.md')));
    assert.ok(!fs.existsSync(path.join(main, 'imported/.hidden')));
    const search = await t.json('GET', '/main/search?q=pangolin');
    assert.equal(search.body.results.length, 1);
    assert.deepEqual(fs.readdirSync(path.join(data, '.basic-memory', 'tmp')), []);
  });

  test('not a ZIP: 400; over the upload cap: 413; nothing written', async () => {
    const bad = await req(t, 'POST', '/main/archive', Buffer.from('this is not a zip'));
    assert.equal(bad.status, 400);
    // Refused from Content-Length alone; no body is sent (a client still writing one races the server's close: EPIPE).
    const big = await req(t, 'POST', '/main/archive', undefined, 2 * 1024 * 1024);
    assert.equal(big.status, 413);
    assert.deepEqual(fs.readdirSync(path.join(data, '.basic-memory', 'tmp')), []);
  });
});
