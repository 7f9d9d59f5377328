// Which scope each upstream tenant request needs (read-only API keys get only memory:read): the reads sent as POST
// are listed one by one, and everything that changes a file is a write or an admin action.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowsMemory, isMemoryScoped, scopeForTenantRequest, READ_ONLY_SCOPES, READ_WRITE_SCOPES } from '../../lib/auth/memory-scopes.ts';

const ID = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';

test('reads: safe methods and the POSTs upstream clients use to read', () => {
  const reads: Array<[string, string]> = [
    ['GET', '/projects/projects'], ['GET', `/v2/projects/${ID}/memory/recent`], ['HEAD', '/main/resource/a.md'], ['PROPFIND', '/webdav/main/'],
    ['OPTIONS', '/webdav/'], ['POST', '/main/search/'], ['POST', '/main/search'], ['POST', `/v2/projects/${ID}/search/`],
    ['POST', '/main/prompt/search'], ['POST', `/v2/projects/${ID}/prompt/continue-conversation`], ['POST', '/main/project/status'],
    ['POST', '/v2/projects/resolve'], ['POST', `/v2/projects/${ID}/status`], ['POST', `/v2/projects/${ID}/knowledge/resolve`],
    ['POST', `/v2/projects/${ID}/knowledge/links/resolve`], ['POST', `/v2/projects/${ID}/schema/validate`], ['POST', `/v2/projects/${ID}/schema/infer`],
  ];
  for (const [m, p] of reads) assert.equal(scopeForTenantRequest(m, p), 'memory:read', `${m} ${p}`);
});

test('writes and admin actions', () => {
  const writes: Array<[string, string, string]> = [
    ['POST', `/v2/projects/${ID}/knowledge/entities`, 'memory:write'], ['PUT', '/main/knowledge/entities/a', 'memory:write'],
    ['PATCH', `/v2/projects/${ID}/knowledge/entities/${ID}`, 'memory:write'], ['PUT', `/v2/projects/${ID}/knowledge/entities/${ID}/move`, 'memory:write'],
    ['POST', '/main/knowledge/move', 'memory:write'], ['POST', `/v2/projects/${ID}/knowledge/move-directory`, 'memory:write'],
    ['PUT', '/webdav/main/a.md', 'memory:write'], ['MKCOL', '/webdav/main/x', 'memory:write'], ['MOVE', '/webdav/main/a.md', 'memory:write'],
    ['POST', '/main/project/sync', 'memory:write'], ['POST', '/main/import/chatgpt', 'memory:write'], ['POST', '/trash/x/restore', 'memory:write'],
    ['DELETE', `/v2/projects/${ID}/knowledge/entities/${ID}`, 'memory:admin'], ['DELETE', '/webdav/main/a.md', 'memory:admin'],
    ['POST', '/main/knowledge/entities/delete', 'memory:admin'], ['POST', `/v2/projects/${ID}/knowledge/delete-directory`, 'memory:admin'],
    ['DELETE', '/projects/main', 'memory:admin'], ['POST', '/projects/projects', 'memory:admin'], ['POST', '/v2/projects/', 'memory:admin'],
  ];
  for (const [m, p, s] of writes) assert.equal(scopeForTenantRequest(m, p), s, `${m} ${p}`);
});

test('read-only keys allow only reads; principals without memory scopes allow everything', () => {
  assert.ok(isMemoryScoped(READ_ONLY_SCOPES) && isMemoryScoped(READ_WRITE_SCOPES));
  assert.ok(allowsMemory(READ_ONLY_SCOPES, 'memory:read'));
  assert.ok(!allowsMemory(READ_ONLY_SCOPES, 'memory:write') && !allowsMemory(READ_ONLY_SCOPES, 'memory:admin'));
  for (const s of ['memory:read', 'memory:write', 'memory:admin'] as const) {
    assert.ok(allowsMemory(READ_WRITE_SCOPES, s));
    assert.ok(allowsMemory(['session'], s));
    assert.ok(allowsMemory(['openid', 'profile', 'email', 'offline_access'], s));
    assert.ok(allowsMemory(['webdav', 'bmak_x'], s));
  }
});
