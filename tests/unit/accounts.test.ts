import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roleForSignIn, tenantNameFor } from '../../lib/db/queries/accounts.ts';
import { notifyTenantCreated, onTenantCreated } from '../../lib/tenants/events.ts';
import { authErrorText } from '../../lib/auth/error-messages.ts';
import { checkSameOrigin, jsonError, withJsonErrors, HttpError } from '../../lib/http/errors.ts';

const OPS = ['ops@example.com'];

test('ops role: only a listed AND verified email; admin is kept; otherwise user', () => {
  assert.equal(roleForSignIn(null, 'ops@example.com', true, OPS), 'ops');
  assert.equal(roleForSignIn(null, 'OPS@Example.com', true, OPS), 'ops');
  assert.equal(roleForSignIn(null, 'ops@example.com', false, OPS), 'user', 'unverified never grants ops');
  assert.equal(roleForSignIn('ops', 'ops@example.com', false, OPS), 'user', 'an unverified sign-in drops ops');
  assert.equal(roleForSignIn('ops', 'ops@example.com', true, []), 'user', 'removed from OPS_EMAILS');
  assert.equal(roleForSignIn(null, 'other@example.com', true, OPS), 'user');
  assert.equal(roleForSignIn(null, null, true, OPS), 'user');
  assert.equal(roleForSignIn('admin', 'x@example.com', false, []), 'admin');
});

test('tenant names come from the name, else the email', () => {
  assert.equal(tenantNameFor('alice@example.com', null), "alice's memory");
  assert.equal(tenantNameFor('alice@example.com', 'Alice Doe'), "Alice Doe's memory");
  assert.equal(tenantNameFor(null, null), "Personal's memory");
});

test('tenant-created listeners all run; a failing one is reported, never thrown', async () => {
  const seen: string[] = [];
  const errors: unknown[] = [];
  const off1 = onTenantCreated((e) => { seen.push('a:' + e.tenantId); });
  const off2 = onTenantCreated(async () => { throw new Error('boom'); });
  const off3 = onTenantCreated(async (e) => { seen.push('c:' + e.tenantId); });
  await notifyTenantCreated({ tenantId: 't1', ownerUserId: 'u1', bucketName: 'b' }, (e) => errors.push(e));
  assert.deepEqual(seen.sort(), ['a:t1', 'c:t1']);
  assert.equal(errors.length, 1);
  off1(); off2(); off3();
  await notifyTenantCreated({ tenantId: 't2', ownerUserId: 'u1', bucketName: 'b' });
  assert.equal(seen.length, 2, 'unregistered listeners are not called');
});

test('auth error codes map to friendly text; unknown codes get a generic text', () => {
  assert.match(authErrorText('OAuthCallback').title, /could not be verified/);
  assert.equal(authErrorText('<script>').title, 'Sign-in did not complete');
  assert.equal(authErrorText(undefined).title, 'Sign-in did not complete');
});

test('JSON errors: {"detail"} bodies, no-store, 500s without internals, same-origin check', async () => {
  const r = jsonError(404, 'Tenant not found.');
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await r.json(), { detail: 'Tenant not found.' });
  const h = withJsonErrors(async (n: number) => {
    if (n === 1) throw new HttpError(401, 'Authentication required.');
    throw new Error('secret internals /etc/passwd');
  });
  assert.deepEqual(await (await h(1)).json(), { detail: 'Authentication required.' });
  const five = await h(2);
  assert.equal(five.status, 500);
  assert.doesNotMatch(await five.text(), /internals|passwd/);
  const app = 'http://localhost:3000';
  assert.equal(checkSameOrigin(new Request(app + '/api/x'), app), null);
  assert.equal(checkSameOrigin(new Request(app + '/api/x', { method: 'POST', headers: { origin: app } }), app), null);
  assert.equal(checkSameOrigin(new Request(app + '/api/x', { method: 'POST', headers: { origin: 'https://evil.example' } }), app)?.status, 403);
  assert.equal(checkSameOrigin(new Request(app + '/api/x', { method: 'DELETE' }), app)?.status, 403);
});
