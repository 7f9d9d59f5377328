// The rules of lib/http/user-content.ts case by case (the integration test drives them through every real path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { USER_CONTENT_CSP, secureUserContent } from '../../lib/http/user-content.ts';

const run = (h: http.OutgoingHttpHeaders, method = 'GET', status = 200, p = '/main/resource/a%20b/x.html') => secureUserContent({ ...h }, method, status, p);

test('every answer is sandboxed without scripts and nosniff, whatever the method', () => {
  for (const method of ['GET', 'HEAD', 'POST', 'PROPFIND', 'LOCK', 'DELETE']) {
    const h = run({ 'content-type': 'application/xml' }, method, 207);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['content-security-policy'], USER_CONTENT_CSP);
  }
  assert.match(USER_CONTENT_CSP, /^sandbox;/);
  assert.doesNotMatch(USER_CONTENT_CSP, /allow-/);
});

test('active types become text/plain downloads with the file name; the charset is kept', () => {
  const h = run({ 'content-type': 'text/html; charset=utf-8' });
  assert.equal(h['content-type'], 'text/plain; charset=utf-8');
  assert.equal(h['content-disposition'], `attachment; filename="x.html"; filename*=UTF-8''x.html`);
  for (const t of ['application/xhtml+xml', 'application/xml', 'text/xml', 'application/rss+xml', 'application/atom+xml', 'text/javascript', 'application/javascript', 'text/css', 'text/xsl', 'application/wasm']) {
    const a = run({ 'content-type': t });
    assert.equal(a['content-type'], 'text/plain', t);
    assert.match(String(a['content-disposition']), /^attachment;/, t);
  }
  // A name outside ASCII: an ASCII fallback and the exact name in filename*.
  const u = run({ 'content-type': 'text/html' }, 'GET', 200, '/main/resource/caf%C3%A9%22.html');
  assert.equal(u['content-disposition'], `attachment; filename="caf__.html"; filename*=UTF-8''caf%C3%A9%22.html`);
});

test('SVG and PDF keep their type as attachments; the tenant\'s own file name is kept; untyped bytes are a download', () => {
  assert.deepEqual([run({ 'content-type': 'image/svg+xml' })['content-type'], run({ 'content-type': 'application/pdf' })['content-type']], ['image/svg+xml', 'application/pdf']);
  assert.match(String(run({ 'content-type': 'image/svg+xml' })['content-disposition']), /^attachment;/);
  const zip = run({ 'content-type': 'application/zip', 'content-disposition': 'inline; filename="main.zip"' });
  assert.equal(zip['content-disposition'], 'attachment; filename="main.zip"');
  const none = run({});
  assert.equal(none['content-type'], 'application/octet-stream');
  assert.match(String(none['content-disposition']), /^attachment;/);
});

test('inert types stay inline; WebDAV methods and bodiless answers keep their type', () => {
  for (const t of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'text/plain; charset=utf-8', 'text/markdown; charset=utf-8', 'application/json', 'application/problem+json', 'video/mp4', 'audio/mpeg']) {
    const h = run({ 'content-type': t });
    assert.equal(h['content-type'], t, t);
    assert.equal(h['content-disposition'], undefined, t);
  }
  assert.equal(run({ 'content-type': 'application/xml; charset=utf-8' }, 'PROPFIND', 207)['content-type'], 'application/xml; charset=utf-8');
  assert.equal(run({ 'content-type': 'text/html' }, 'GET', 304)['content-type'], 'text/html');
  assert.equal(run({}, 'POST', 204)['content-type'], undefined);
});
