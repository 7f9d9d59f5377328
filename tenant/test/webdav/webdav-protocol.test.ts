// WebDAV on a real tenant process over real files: the methods clients use, their status codes, and bad input
// (traversal, cross-project moves, cut-off uploads, locks held by others, XML bombs, non-UTF-8 names, quota).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { davRequest, startTenant, tempDir, waitFor, type Tenant } from '../process/tenant-process.ts';

type Res = { status: number; headers: http.IncomingHttpHeaders; text: string };

async function dav(t: Tenant, method: string, rawPath: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Res> {
  const r = await davRequest(t, method, rawPath, headers, body);
  return { status: r.status, headers: r.headers, text: r.bytes.toString('utf8') };
}

const md5 = (b: string | Buffer) => crypto.createHash('md5').update(b).digest('hex');
const leftovers = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.includes('.bm-upload-'));

describe('WebDAV on the tenant', () => {
  const data = tempDir('bm-dav-');
  let t: Tenant;
  let main: string;
  before(async () => {
    fs.mkdirSync(path.join(data, 'main'));
    fs.mkdirSync(path.join(data, 'other'));
    fs.writeFileSync(path.join(data, 'outside-secret.txt'), 'not yours');
    t = await startTenant({ dataDir: data, args: ['--quota-mb', '2'] });
    await t.waitHealthy();
    main = path.join(data, 'main');
  });
  after(async () => { await t.stop(); fs.rmSync(data, { recursive: true, force: true }); fs.rmSync(data + '-index', { recursive: true, force: true }); });

  test('OPTIONS announces class 1 and 2', async () => {
    const r = await dav(t, 'OPTIONS', '/webdav/main/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.dav, '1, 2');
    assert.match(String(r.headers.allow), /PROPFIND/);
    assert.match(String(r.headers.allow), /LOCK/);
  });

  test('PUT with X-OC-Mtime writes the file with that mtime, indexes it at once, and answers 201 then 204', async () => {
    const body = '---\ntitle: Dav Note\n---\n\nzebracorn lives here\n';
    const r = await dav(t, 'PUT', '/webdav/main/notes/dav%20note.md', { 'x-oc-mtime': '1600000000', 'content-type': 'text/markdown' }, body);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.etag, `"${md5(body)}"`);
    assert.equal(r.headers['x-oc-mtime'], 'accepted');
    const st = fs.statSync(path.join(main, 'notes', 'dav note.md'));
    assert.equal(Math.floor(st.mtimeMs / 1000), 1600000000);
    assert.equal(fs.readFileSync(path.join(main, 'notes', 'dav note.md'), 'utf8'), body);
    const search = await t.json('GET', '/main/search?q=zebracorn');
    assert.equal(search.body.results.length, 1, JSON.stringify(search.body));
    const again = await dav(t, 'PUT', '/webdav/main/notes/dav%20note.md', { 'x-timestamp': '1600000100.5' }, body + 'more\n');
    assert.equal(again.status, 204, again.text);
    assert.equal(fs.statSync(path.join(main, 'notes', 'dav note.md')).mtimeMs, 1600000100500);
    const lm = await dav(t, 'PUT', '/webdav/main/lm.txt', { 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }, 'x');
    assert.equal(lm.status, 201);
    assert.equal(fs.statSync(path.join(main, 'lm.txt')).mtimeMs, Date.parse('2015-10-21T07:28:00Z'));
    assert.deepEqual(leftovers(main), []);
  });

  test('PROPFIND depth 0 and 1 carry the properties clients read; infinity is refused', async () => {
    fs.mkdirSync(path.join(main, 'pf/sub'), { recursive: true });
    fs.writeFileSync(path.join(main, 'pf/a.md'), 'hello a');
    fs.writeFileSync(path.join(main, 'pf/.hidden'), 'never listed');
    const body = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>';
    const r = await dav(t, 'PROPFIND', '/webdav/main/pf', { depth: '1', 'content-type': 'application/xml' }, body);
    assert.equal(r.status, 207, r.text);
    assert.match(String(r.headers['content-type']), /xml/);
    const hrefs = [...r.text.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);
    assert.deepEqual(hrefs.sort(), ['/webdav/main/pf/', '/webdav/main/pf/a.md', '/webdav/main/pf/sub/']);
    assert.match(r.text, new RegExp(`<D:getetag>"${md5('hello a')}"</D:getetag>`));
    assert.match(r.text, /<D:getcontentlength>7<\/D:getcontentlength>/);
    assert.match(r.text, /<D:displayname>a\.md<\/D:displayname>/);
    assert.match(r.text, /<D:getlastmodified>[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT<\/D:getlastmodified>/);
    assert.match(r.text, /<D:resourcetype><D:collection\/><\/D:resourcetype>/);
    assert.doesNotMatch(r.text, /hidden/);
    const d0 = await dav(t, 'PROPFIND', '/webdav/main/pf/a.md', { depth: '0' });
    assert.equal(d0.status, 207);
    assert.equal([...d0.text.matchAll(/<D:response>/g)].length, 1);
    const prefixed = await dav(t, 'PROPFIND', '/webdav/main/pf/a.md', { depth: '0', 'x-bm-href-prefix': '/proxy' });
    assert.match(prefixed.text, /<D:href>\/proxy\/webdav\/main\/pf\/a\.md<\/D:href>/);
    const inf = await dav(t, 'PROPFIND', '/webdav/main/pf', { depth: 'infinity' });
    assert.equal(inf.status, 403);
    assert.match(inf.text, /propfind-finite-depth/);
    const named = await dav(t, 'PROPFIND', '/webdav/main/pf/a.md', { depth: '0' },
      '<D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:prop><D:getetag/><Z:color/></D:prop></D:propfind>');
    assert.match(named.text, /HTTP\/1.1 404 Not Found/);
    assert.match(named.text, /getetag/);
    const root = await dav(t, 'PROPFIND', '/webdav/', { depth: '1' });
    assert.equal(root.status, 207);
    assert.match(root.text, /\/webdav\/main\//);
    assert.match(root.text, /\/webdav\/other\//);
  });

  test('GET and HEAD: ETag, Last-Modified, ranges, conditional GET', async () => {
    fs.writeFileSync(path.join(main, 'range.txt'), '0123456789');
    const g = await dav(t, 'GET', '/webdav/main/range.txt');
    assert.equal(g.status, 200);
    assert.equal(g.text, '0123456789');
    assert.equal(g.headers.etag, `"${md5('0123456789')}"`);
    assert.ok(g.headers['last-modified']);
    const h = await dav(t, 'HEAD', '/webdav/main/range.txt');
    assert.equal(h.status, 200);
    assert.equal(h.headers['content-length'], '10');
    assert.equal(h.text, '');
    const part = await dav(t, 'GET', '/webdav/main/range.txt', { range: 'bytes=2-4' });
    assert.equal(part.status, 206);
    assert.equal(part.text, '234');
    assert.equal(part.headers['content-range'], 'bytes 2-4/10');
    const suffix = await dav(t, 'GET', '/webdav/main/range.txt', { range: 'bytes=-3' });
    assert.equal(suffix.text, '789');
    assert.equal((await dav(t, 'GET', '/webdav/main/range.txt', { range: 'bytes=50-' })).status, 416);
    assert.equal((await dav(t, 'GET', '/webdav/main/range.txt', { 'if-none-match': g.headers.etag as string })).status, 304);
    assert.equal((await dav(t, 'GET', '/webdav/main/nope.txt')).status, 404);
  });

  test('conditional PUT: If-None-Match * refuses an existing file (412); If-Match must match the ETag', async () => {
    assert.equal((await dav(t, 'PUT', '/webdav/main/cond.txt', { 'if-none-match': '*' }, 'first')).status, 201);
    const again = await dav(t, 'PUT', '/webdav/main/cond.txt', { 'if-none-match': '*' }, 'second');
    assert.equal(again.status, 412, again.text);
    assert.equal(fs.readFileSync(path.join(main, 'cond.txt'), 'utf8'), 'first');
    assert.equal((await dav(t, 'PUT', '/webdav/main/cond.txt', { 'if-match': '"0123456789abcdef0123456789abcdef"' }, 'x')).status, 412);
    assert.equal((await dav(t, 'PUT', '/webdav/main/cond.txt', { 'if-match': `"${md5('first')}"` }, 'third')).status, 204);
    assert.equal(fs.readFileSync(path.join(main, 'cond.txt'), 'utf8'), 'third');
    assert.equal((await dav(t, 'PUT', '/webdav/main/absent.txt', { 'if-match': '*' }, 'x')).status, 412);
    assert.ok(!fs.existsSync(path.join(main, 'absent.txt')));
    assert.deepEqual(leftovers(main), []);
  });

  test('MKCOL, COPY, MOVE with Destination and Overwrite; DELETE keeps a restorable copy', async () => {
    assert.equal((await dav(t, 'MKCOL', '/webdav/main/box')).status, 201);
    assert.equal((await dav(t, 'MKCOL', '/webdav/main/box')).status, 405);
    assert.equal((await dav(t, 'MKCOL', '/webdav/main/no/such/parent')).status, 409);
    await dav(t, 'PUT', '/webdav/main/box/one.md', {}, '# one\n\nquasarfish\n');
    const copy = await dav(t, 'COPY', '/webdav/main/box/one.md', { destination: 'http://example.test/webdav/main/box/two.md' });
    assert.equal(copy.status, 201, copy.text);
    assert.equal(fs.readFileSync(path.join(main, 'box/two.md'), 'utf8'), '# one\n\nquasarfish\n');
    const noOverwrite = await dav(t, 'COPY', '/webdav/main/box/one.md', { destination: '/webdav/main/box/two.md', overwrite: 'F' });
    assert.equal(noOverwrite.status, 412);
    const move = await dav(t, 'MOVE', '/webdav/main/box/two.md', { destination: '/webdav/main/moved.md' });
    assert.equal(move.status, 201, move.text);
    assert.ok(!fs.existsSync(path.join(main, 'box/two.md')));
    assert.ok(fs.existsSync(path.join(main, 'moved.md')));
    const overwrite = await dav(t, 'MOVE', '/webdav/main/moved.md', { destination: '/webdav/main/box/one.md' });
    assert.equal(overwrite.status, 204, overwrite.text);
    const dirCopy = await dav(t, 'COPY', '/webdav/main/box', { destination: '/webdav/main/box2' });
    assert.equal(dirCopy.status, 201, dirCopy.text);
    assert.ok(fs.existsSync(path.join(main, 'box2/one.md')));
    const del = await dav(t, 'DELETE', '/webdav/main/box2');
    assert.equal(del.status, 204);
    assert.ok(!fs.existsSync(path.join(main, 'box2')));
    // what DELETE and overwriting removed is in the data dir's trash, restorable
    const trashDir = path.join(data, '.basic-memory/trash');
    const trash = fs.readdirSync(trashDir).map((id) => JSON.parse(fs.readFileSync(path.join(trashDir, id, 'manifest.json'), 'utf8')) as { project: string; path: string });
    const listed = trash.map((m) => `${m.project}:${m.path}`);
    assert.ok(listed.some((f) => f === 'main:box2/one.md' || f === 'main:box2'), listed.join('\n'));
    assert.ok(listed.some((f) => f === 'main:box/one.md' || f === 'main:box'), listed.join('\n'));
    assert.equal((await dav(t, 'DELETE', '/webdav/main/box2')).status, 404);
    // the index follows: the copy's note is found, then gone with its folder
    await waitFor(async () => (await t.json('GET', '/main/search?q=quasarfish')).body.results.length === 1);
  });

  test('MOVE and COPY refuse other projects, the source itself, and traversal in Destination', async () => {
    fs.writeFileSync(path.join(main, 'stay.md'), 'stay');
    for (const destination of ['/webdav/other/stay.md', 'http://h/webdav/other/x.md']) {
      const r = await dav(t, 'MOVE', '/webdav/main/stay.md', { destination });
      assert.equal(r.status, 403, `${destination}: ${r.text}`);
    }
    assert.equal((await dav(t, 'MOVE', '/webdav/main/stay.md', { destination: '/webdav/main/stay.md' })).status, 403);
    assert.equal((await dav(t, 'COPY', '/webdav/main/box', { destination: '/webdav/main/box/inner' })).status, 403);
    for (const destination of ['/webdav/main/../outside.md', '/webdav/main/%2e%2e/outside.md', '/webdav/main/%252e%252e/outside.md',
      '/webdav/main/..%5coutside.md', 'http://h/elsewhere/x.md']) {
      const r = await dav(t, 'MOVE', '/webdav/main/stay.md', { destination });
      assert.ok([400, 403, 502].includes(r.status), `${destination}: ${r.status} ${r.text}`);
    }
    assert.equal(fs.readFileSync(path.join(main, 'stay.md'), 'utf8'), 'stay');
    assert.ok(!fs.existsSync(path.join(data, 'outside.md')));
  });

  test('traversal in the URL, non-UTF-8 names and hidden paths are refused; nothing outside the project is reachable', async () => {
    for (const p of ['/webdav/main/../outside-secret.txt', '/webdav/main/%2e%2e/outside-secret.txt', '/webdav/main/%252e%252e/outside-secret.txt',
      '/webdav/main/..%5coutside-secret.txt', '/webdav/main/%00x', '/webdav/%2e%2e/outside-secret.txt']) {
      const r = await dav(t, 'GET', p);
      assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
      assert.doesNotMatch(r.text, /not yours/);
    }
    assert.equal((await dav(t, 'PUT', '/webdav/main/bad%FFname.md', {}, 'x')).status, 400);
    assert.equal((await dav(t, 'PUT', '/webdav/main/.secret', {}, 'x')).status, 403);
    assert.equal((await dav(t, 'PUT', '/webdav/main/node_modules/x.js', {}, 'x')).status, 403);
    assert.ok(!fs.existsSync(path.join(main, '.secret')));
    fs.symlinkSync(path.join(data, 'outside-secret.txt'), path.join(main, 'link.txt'));
    const viaLink = await dav(t, 'GET', '/webdav/main/link.txt');
    assert.ok([400, 404].includes(viaLink.status));
    assert.doesNotMatch(viaLink.text, /not yours/);
  });

  test('LOCK and UNLOCK: a lock held by someone else gets 423; the holder writes with its token', async () => {
    fs.writeFileSync(path.join(main, 'locked.md'), 'v1');
    const body = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>me</D:href></D:owner></D:lockinfo>';
    const l = await dav(t, 'LOCK', '/webdav/main/locked.md', { timeout: 'Second-60', depth: '0' }, body);
    assert.equal(l.status, 200, l.text);
    const token = /<(opaquelocktoken:[^>]+)>/.exec(String(l.headers['lock-token']))![1]!;
    assert.match(l.text, /<D:lockdiscovery>/);
    assert.equal((await dav(t, 'PUT', '/webdav/main/locked.md', {}, 'intruder')).status, 423);
    assert.equal((await dav(t, 'DELETE', '/webdav/main/locked.md')).status, 423);
    assert.equal((await dav(t, 'LOCK', '/webdav/main/locked.md', {}, body)).status, 423);
    assert.equal(fs.readFileSync(path.join(main, 'locked.md'), 'utf8'), 'v1');
    assert.equal((await dav(t, 'PUT', '/webdav/main/locked.md', { if: `(<${token}>)` }, 'v2')).status, 204);
    const refresh = await dav(t, 'LOCK', '/webdav/main/locked.md', { if: `(<${token}>)`, timeout: 'Second-120' });
    assert.equal(refresh.status, 200);
    assert.equal((await dav(t, 'UNLOCK', '/webdav/main/locked.md', { 'lock-token': '<opaquelocktoken:not-mine>' })).status, 409);
    assert.equal((await dav(t, 'UNLOCK', '/webdav/main/locked.md', { 'lock-token': `<${token}>` })).status, 204);
    assert.equal((await dav(t, 'PUT', '/webdav/main/locked.md', {}, 'v3')).status, 204);
    const fresh = await dav(t, 'LOCK', '/webdav/main/new-locked.md', {}, body);
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fs.readFileSync(path.join(main, 'new-locked.md'), 'utf8'), '');
  });

  test('XML bombs and huge PROPFIND bodies are refused', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&lol2;</D:displayname></D:prop></D:propfind>';
    assert.equal((await dav(t, 'PROPFIND', '/webdav/main/', { depth: '0' }, bomb)).status, 400);
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>';
    const r = await dav(t, 'PROPFIND', '/webdav/main/', { depth: '0' }, xxe);
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /root:/);
    const huge = '<D:propfind xmlns:D="DAV:"><D:prop>' + '<D:displayname/>'.repeat(10_000) + '</D:prop></D:propfind>';
    assert.equal((await dav(t, 'PROPFIND', '/webdav/main/', { depth: '0' }, huge)).status, 413);
    assert.equal((await dav(t, 'PROPFIND', '/webdav/main/', { depth: '0' }, '<not-dav/>')).status, 400);
  });

  test('a PUT cut off mid-body leaves the old file as it was and no temp file', async () => {
    fs.writeFileSync(path.join(main, 'keep.md'), 'the old content');
    const rawPath = '/webdav/main/keep.md';
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: t.port, method: 'PUT', path: rawPath,
        headers: { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'PUT', pathAndQuery: rawPath }), 'content-length': '100000' } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(30_000, 97));
      setTimeout(() => { req.destroy(); setTimeout(resolve, 300); }, 200);
    });
    await waitFor(() => leftovers(main).length === 0, 5000);
    assert.equal(fs.readFileSync(path.join(main, 'keep.md'), 'utf8'), 'the old content');
  });

  test('over the storage quota: 507 with a clear message, nothing half written', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 98);
    const r = await dav(t, 'PUT', '/webdav/main/big.bin', {}, big);
    assert.equal(r.status, 507, r.text);
    assert.match(JSON.parse(r.text).detail, /quota/i);
    assert.ok(!fs.existsSync(path.join(main, 'big.bin')));
    assert.deepEqual(leftovers(main), []);
    const viaResource = await dav(t, 'PUT', '/main/resource/big.bin', { 'content-type': 'application/octet-stream' }, big);
    assert.equal(viaResource.status, 507, viaResource.text);
    assert.ok(!fs.existsSync(path.join(main, 'big.bin')));
    const fits = await dav(t, 'PUT', '/webdav/main/fits.bin', {}, Buffer.alloc(512 * 1024, 99));
    assert.equal(fits.status, 201);
  });

  test('unsigned WebDAV requests are refused like every other tenant route', async () => {
    const r = await new Promise<number>((resolve) => {
      http.request({ host: '127.0.0.1', port: t.port, method: 'PROPFIND', path: '/webdav/main/', headers: { depth: '0' } }, (res) => { res.resume(); resolve(res.statusCode!); }).end();
    });
    assert.equal(r, 401);
  });
});
