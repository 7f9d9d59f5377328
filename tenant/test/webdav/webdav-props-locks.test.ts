// WebDAV answers that are true: PROPPATCH stores dead properties (outside the user's folder, atomically, moved,
// copied and deleted with their resource, kept across a restart), protected live properties are refused with
// their own status, lockdiscovery shows the locks actually held, and an If header that does not hold is a 412.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { davRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

type Res = { status: number; headers: http.IncomingHttpHeaders; text: string };
async function dav(t: Tenant, method: string, rawPath: string, headers: Record<string, string> = {}, body?: string): Promise<Res> {
  const r = await davRequest(t, method, rawPath, headers, body);
  return { status: r.status, headers: r.headers, text: r.bytes.toString('utf8') };
}

const NS = 'http://example.test/ns/';
const setBody = (props: string) => `<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="${NS}"><D:set><D:prop>${props}</D:prop></D:set></D:propertyupdate>`;
const getBody = (names: string) => `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:Z="${NS}"><D:prop>${names}</D:prop></D:propfind>`;
const listing = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();
/** The propstat status that the named property came back under (and the property's text when 200). */
function propStatus(xml: string, local: string): { status: string; text: string } | null {
  for (const ps of xml.split('<D:propstat>').slice(1)) {
    const m = new RegExp(`<(\\w+:)?${local}(\\s[^>]*)?(/>|>([\\s\\S]*?)</(\\w+:)?${local}>)`).exec(ps);
    if (m) return { status: /<D:status>HTTP\/1\.1 (\d+)/.exec(ps)![1]!, text: m[4] ?? '' };
  }
  return null;
}

describe('WebDAV dead properties, lockdiscovery and If on the tenant', () => {
  const data = tempDir('bm-davprops-');
  let t: Tenant;
  let main: string;
  before(async () => {
    main = path.join(data, 'main');
    fs.mkdirSync(main);
    t = await startTenant({ dataDir: data });
    await t.waitHealthy();
  });
  after(async () => { await t.stop(); fs.rmSync(data, { recursive: true, force: true }); fs.rmSync(data + '-index', { recursive: true, force: true }); });

  test('PROPPATCH stores a dead property outside the folder and without touching the file; it survives a restart', async () => {
    fs.writeFileSync(path.join(main, 'a.md'), '# A\n');
    const before = listing(main);
    const r = await dav(t, 'PROPPATCH', '/webdav/main/a.md', {}, setBody('<Z:colour>blue &amp; <Z:b xmlns:q="urn:q" q:x="1">bold</Z:b></Z:colour><Z:empty/>'));
    assert.equal(r.status, 207, r.text);
    assert.equal(propStatus(r.text, 'colour')!.status, '200');
    assert.deepEqual(listing(main), before, 'no sidecar file appears in the user folder');
    assert.equal(fs.readFileSync(path.join(main, 'a.md'), 'utf8'), '# A\n');
    await t.stop();
    t = await startTenant({ dataDir: data });
    await t.waitHealthy();
    const g = await dav(t, 'PROPFIND', '/webdav/main/a.md', { depth: '0' }, getBody('<Z:colour/><Z:empty/><Z:never/>'));
    assert.equal(g.status, 207, g.text);
    const colour = propStatus(g.text, 'colour')!;
    assert.equal(colour.status, '200', g.text);
    // Same names, namespaces, attributes and text as set (the prefixes are the server's own, each declared).
    assert.ok(g.text.includes('<p0:colour xmlns:p0="http://example.test/ns/">blue &amp; <p0:b xmlns:p1="urn:q" p1:x="1">bold</p0:b></p0:colour>'), g.text);
    assert.equal(propStatus(g.text, 'empty')!.status, '200');
    assert.equal(propStatus(g.text, 'never')!.status, '404');
    const all = await dav(t, 'PROPFIND', '/webdav/main/a.md', { depth: '0' });
    assert.match(all.text, /colour/, 'allprop includes dead properties');
    const names = await dav(t, 'PROPFIND', '/webdav/main/a.md', { depth: '0' }, '<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>');
    assert.match(names.text, /<p0:colour xmlns:p0="http:\/\/example\.test\/ns\/"\/>/);
  });

  test('xml:lang in scope and xml: attributes are kept with the value (never re-bound to another prefix)', async () => {
    fs.writeFileSync(path.join(main, 'lang.md'), '# L\n');
    const body = `<D:propertyupdate xmlns:D="DAV:" xmlns:Z="${NS}"><D:set><D:prop xml:lang="en"><Z:said xml:space="preserve">hi <Z:w xml:lang="fr">salut</Z:w></Z:said></D:prop></D:set></D:propertyupdate>`;
    assert.equal((await dav(t, 'PROPPATCH', '/webdav/main/lang.md', {}, body)).status, 207);
    const g = await dav(t, 'PROPFIND', '/webdav/main/lang.md', { depth: '0' }, getBody('<Z:said/>'));
    assert.ok(g.text.includes('<p0:said xmlns:p0="http://example.test/ns/" xml:space="preserve" xml:lang="en">hi <p0:w xml:lang="fr">salut</p0:w></p0:said>'), g.text);
  });

  test('a protected live property is 403, the rest of the request 424, and nothing is applied', async () => {
    fs.writeFileSync(path.join(main, 'b.md'), '# B\n');
    const r = await dav(t, 'PROPPATCH', '/webdav/main/b.md', {}, setBody('<Z:one>1</Z:one><D:getetag>"x"</D:getetag>'));
    assert.equal(r.status, 207, r.text);
    assert.equal(propStatus(r.text, 'getetag')!.status, '403');
    assert.equal(propStatus(r.text, 'one')!.status, '424');
    const g = await dav(t, 'PROPFIND', '/webdav/main/b.md', { depth: '0' }, getBody('<Z:one/>'));
    assert.equal(propStatus(g.text, 'one')!.status, '404');
    const remove = `<D:propertyupdate xmlns:D="DAV:" xmlns:Z="${NS}"><D:remove><D:prop><Z:nothing/></D:prop></D:remove></D:propertyupdate>`;
    assert.equal(propStatus((await dav(t, 'PROPPATCH', '/webdav/main/b.md', {}, remove)).text, 'nothing')!.status, '200');
    const bad = await dav(t, 'PROPPATCH', '/webdav/main/b.md', {}, '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:y xmlns:x=""/></D:prop></D:set></D:propertyupdate>');
    assert.equal(bad.status, 400, 'an empty namespace bound to a prefix is not well-formed');
  });

  test('properties move and copy with their resource and go with it; a new file at the same path starts with none', async () => {
    fs.mkdirSync(path.join(main, 'dir'));
    fs.writeFileSync(path.join(main, 'dir', 'c.md'), '# C\n');
    assert.equal((await dav(t, 'PROPPATCH', '/webdav/main/dir/c.md', {}, setBody('<Z:tag>c</Z:tag>'))).status, 207);
    assert.equal((await dav(t, 'PROPPATCH', '/webdav/main/dir', {}, setBody('<Z:tag>dir</Z:tag>'))).status, 207);
    const tag = async (p: string) => propStatus((await dav(t, 'PROPFIND', p, { depth: '0' }, getBody('<Z:tag/>'))).text, 'tag');
    assert.equal((await dav(t, 'COPY', '/webdav/main/dir', { destination: '/webdav/main/dir2', depth: 'infinity' })).status, 201);
    assert.deepEqual(await tag('/webdav/main/dir2/c.md'), { status: '200', text: 'c' });
    assert.deepEqual(await tag('/webdav/main/dir2'), { status: '200', text: 'dir' });
    assert.equal((await dav(t, 'MOVE', '/webdav/main/dir2', { destination: '/webdav/main/dir3' })).status, 201);
    assert.deepEqual(await tag('/webdav/main/dir3/c.md'), { status: '200', text: 'c' });
    assert.equal((await dav(t, 'DELETE', '/webdav/main/dir3')).status, 204);
    assert.equal((await dav(t, 'MKCOL', '/webdav/main/dir3')).status, 201);
    assert.equal((await dav(t, 'PUT', '/webdav/main/dir3/c.md', {}, 'new')).status, 201);
    assert.equal((await tag('/webdav/main/dir3/c.md'))!.status, '404');
    assert.equal((await tag('/webdav/main/dir3'))!.status, '404');
    assert.deepEqual(await tag('/webdav/main/dir/c.md'), { status: '200', text: 'c' }, 'the source of the copy keeps its own');
  });

  test('lockdiscovery reports the lock held (token, scope, depth, owner) and nothing once it is released', async () => {
    fs.writeFileSync(path.join(main, 'l.md'), 'x');
    const lockBody = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>ann</D:owner></D:lockinfo>';
    const l = await dav(t, 'LOCK', '/webdav/main/l.md', { depth: '0', timeout: 'Second-100' }, lockBody);
    assert.equal(l.status, 200, l.text);
    const token = /<(opaquelocktoken:[^>]+)>/.exec(String(l.headers['lock-token']))![1]!;
    const disc = async () => (await dav(t, 'PROPFIND', '/webdav/main/l.md', { depth: '0' }, '<D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/><D:supportedlock/></D:prop></D:propfind>')).text;
    const held = await disc();
    assert.ok(held.includes(`<D:locktoken><D:href>${token}</D:href></D:locktoken>`), held);
    assert.match(held, /<D:lockscope><D:exclusive\/><\/D:lockscope><D:depth>0<\/D:depth><D:owner>ann<\/D:owner>/);
    assert.match(held, /<D:supportedlock><D:lockentry>/);
    assert.equal((await dav(t, 'UNLOCK', '/webdav/main/l.md', { 'lock-token': `<${token}>` })).status, 204);
    assert.match(await disc(), /<D:lockdiscovery><\/D:lockdiscovery>/);
  });

  test('an If header that does not hold is a 412 and writes nothing; one that holds lets the write through', async () => {
    fs.writeFileSync(path.join(main, 'i.md'), 'one');
    const etag = String((await dav(t, 'HEAD', '/webdav/main/i.md')).headers.etag);
    assert.equal((await dav(t, 'PUT', '/webdav/main/i.md', { if: '(<opaquelocktoken:nobody>)' }, 'two')).status, 412);
    assert.equal((await dav(t, 'PUT', '/webdav/main/i.md', { if: '(["wrong"])' }, 'two')).status, 412);
    assert.equal(fs.readFileSync(path.join(main, 'i.md'), 'utf8'), 'one');
    assert.equal((await dav(t, 'PUT', '/webdav/main/i.md', { if: `([${etag}])` }, 'two')).status, 204);
    assert.equal((await dav(t, 'PUT', '/webdav/main/i.md', { if: '(Not <DAV:no-lock>)' }, 'three')).status, 204);
    assert.equal((await dav(t, 'PUT', '/webdav/main/i.md', { if: '(<DAV:no-lock>)' }, 'four')).status, 412);
    assert.equal((await dav(t, 'PUT', '/webdav/main/i.md', { if: 'garbage' }, 'four')).status, 400);
    assert.equal(fs.readFileSync(path.join(main, 'i.md'), 'utf8'), 'three');
  });
});
