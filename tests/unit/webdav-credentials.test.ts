// The control plane's WebDAV edges without a database: Basic credentials parsing and the Destination rewrite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBasic } from '../../lib/auth/principal.ts';
import { tenantWebdavDestination } from '../../lib/tenants/tenant-proxy.ts';

describe('Basic credentials', () => {
  test('parses user:password (the password may hold colons); other schemes are not Basic', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.deepEqual(parseBasic(`Basic ${b64('bmak_1:bmap_x:y')}`), { user: 'bmak_1', pass: 'bmap_x:y' });
    assert.deepEqual(parseBasic(`basic ${b64('a@b.c:p')}`), { user: 'a@b.c', pass: 'p' });
    assert.equal(parseBasic(undefined), undefined);
    assert.equal(parseBasic('Bearer bmat_x'), undefined);
    assert.equal(parseBasic(`Basic ${b64('no-colon')}`), null);
    assert.equal(parseBasic('Basic !!!'), null);
    assert.equal(parseBasic(`Basic ${'A'.repeat(3000)}`), null);
  });
});

describe('WebDAV Destination rewrite', () => {
  test('absolute URLs and paths under /proxy/webdav become the tenant path; encoding is kept', () => {
    assert.equal(tenantWebdavDestination('http://cloud.test/proxy/webdav/main/a%20b.md'), '/webdav/main/a%20b.md');
    assert.equal(tenantWebdavDestination('/proxy/webdav/main/dir/'), '/webdav/main/dir/');
  });
  test('traversal in any encoding, other mounts, queries and non-WebDAV paths are refused', () => {
    for (const bad of ['/proxy/webdav/main/../x', '/proxy/webdav/main/%2e%2e/x', '/proxy/webdav/main/%252e%252e/x', '/proxy/webdav/main/..%5cx',
      '/proxy/webdav/main%2fx', '/proxy/projects/projects', '/webdav/main/x', 'http://evil.test/elsewhere', '/proxy/webdav/main/x?y=1', '/proxy/webdav//x']) {
      assert.equal(tenantWebdavDestination(bad), null, bad);
    }
  });
});
