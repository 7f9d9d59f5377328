import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signRequest, verifyRequest } from '../../src/auth/request-signature.ts';
import { TenantSecretSchema } from '../../src/config/credential.ts';

const secret = 'k'.repeat(43);
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('request signature', () => {
  const now = 1_800_000_000;
  const headers = lower(signRequest({ secret, tenantId: 't1', method: 'get', pathAndQuery: '/projects/projects?a=1', now }));
  const base = { secret, tenantId: 't1', method: 'GET', pathAndQuery: '/projects/projects?a=1', now };

  test('header names and format', () => {
    assert.deepEqual(Object.keys(signRequest({ secret, tenantId: 't1', method: 'GET', pathAndQuery: '/', now })), ['X-BM-Tenant-ID', 'X-BM-Timestamp', 'X-BM-Signature']);
    assert.equal(headers['x-bm-timestamp'], String(now));
    assert.match(headers['x-bm-signature']!, /^[0-9a-f]{64}$/);
  });
  test('accepts the signed request within ±60 s', () => {
    assert.ok(verifyRequest({ ...base, headers }));
    assert.ok(verifyRequest({ ...base, headers, now: now + 60 }));
    assert.ok(verifyRequest({ ...base, headers, now: now - 60 }));
  });
  test('refuses expired, future, other path/query/method/tenant/secret, missing parts', () => {
    assert.ok(!verifyRequest({ ...base, headers, now: now + 61 }));
    assert.ok(!verifyRequest({ ...base, headers, now: now - 61 }));
    assert.ok(!verifyRequest({ ...base, headers, pathAndQuery: '/projects/projects?a=2' }));
    assert.ok(!verifyRequest({ ...base, headers, pathAndQuery: '/projects/default' }));
    assert.ok(!verifyRequest({ ...base, headers, method: 'POST' }));
    assert.ok(!verifyRequest({ ...base, headers, tenantId: 't2' }));
    assert.ok(!verifyRequest({ ...base, headers, secret: secret + 'x' }));
    for (const k of Object.keys(headers)) {
      const h = { ...headers };
      delete h[k];
      assert.ok(!verifyRequest({ ...base, headers: h }), `without ${k}`);
    }
    assert.ok(!verifyRequest({ ...base, headers: { ...headers, 'x-bm-signature': headers['x-bm-signature']!.toUpperCase() } }));
    assert.ok(!verifyRequest({ ...base, headers: { ...headers, 'x-bm-signature': [headers['x-bm-signature']!, 'x'] } }));
  });
  test('secret must carry 32 bytes (hex or base64url)', () => {
    assert.ok(TenantSecretSchema.safeParse('ab'.repeat(32)).success);
    assert.ok(TenantSecretSchema.safeParse(Buffer.alloc(32, 7).toString('base64url')).success);
    assert.ok(!TenantSecretSchema.safeParse('ab'.repeat(31)).success);
    assert.ok(!TenantSecretSchema.safeParse('short').success);
    assert.ok(!TenantSecretSchema.safeParse('has spaces and is long enough to pass a length check ok').success);
  });
});
