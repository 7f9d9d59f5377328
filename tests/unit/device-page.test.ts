// /device helpers: CSRF tokens bound to user (+ grant), the signed pending-code cookie, scope text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCsrf, csrfToken, describeScopes, readDecisionForm, readPendingCode, signPendingCode, PENDING_CODE_MAX_AGE_SECONDS } from '../../lib/auth/device-page.ts';

const S = 's'.repeat(40);

test('CSRF tokens are bound to secret, purpose, user and grant', () => {
  const t = csrfToken(S, 'device-decide', 'u1', 'g1');
  assert.ok(checkCsrf(S, t, 'device-decide', 'u1', 'g1'));
  assert.ok(!checkCsrf(S, t, 'device-decide', 'u2', 'g1'), 'other user');
  assert.ok(!checkCsrf(S, t, 'device-decide', 'u1', 'g2'), 'other grant');
  assert.ok(!checkCsrf(S, t, 'device-entry', 'u1', 'g1'), 'other purpose');
  assert.ok(!checkCsrf('t'.repeat(40), t, 'device-decide', 'u1', 'g1'), 'other secret');
  assert.ok(!checkCsrf(S, undefined, 'device-decide', 'u1', 'g1'));
  assert.ok(!checkCsrf(S, '', 'device-decide', 'u1', 'g1'));
});

test('the pending-code cookie keeps a normalised code, refuses tampering and expires', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const v = signPendingCode(S, 'bcdf ghjk lmnp', now)!;
  assert.ok(v);
  assert.equal(readPendingCode(S, v, now), 'BCDF-GHJK-LMNP');
  assert.equal(readPendingCode(S, v.replace('BCDFGHJKLMNP', 'BCDFGHJKLMNQ'), now), null, 'tampered code');
  assert.equal(readPendingCode('t'.repeat(40), v, now), null, 'other secret');
  assert.equal(readPendingCode(S, v, new Date(now.getTime() + (PENDING_CODE_MAX_AGE_SECONDS + 1) * 1000)), null, 'expired');
  assert.equal(signPendingCode(S, 'not a code', now), null);
  assert.equal(readPendingCode(S, undefined, now), null);
});

test('scope descriptions say what the terminal can do', () => {
  const d = describeScopes('openid profile email offline_access');
  assert.equal(d.length, 3);
  assert.match(d.join(' '), /refresh/);
});

test('IPv4-mapped addresses are shown plainly', async () => {
  const { displayIp } = await import('../../lib/auth/device-page.ts');
  assert.equal(displayIp('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(displayIp('2001:db8::1'), '2001:db8::1');
  assert.equal(displayIp(null), 'unknown address');
});

test('a decision without its CSRF field, or with a wrong one, is refused 403 (not redirected); a good one parses', () => {
  const grant = '0b9a8a4e-2f43-4a7c-9d55-2b8f3c1d0e11';
  const good = csrfToken(S, 'device-decide', 'u1', grant);
  assert.deepEqual(readDecisionForm(S, { grant, decision: 'approve' }, 'u1'), { ok: false, status: 403, message: 'Missing CSRF token; reload the page and try again.' });
  assert.equal((readDecisionForm(S, { grant, decision: 'approve', csrf: '' }, 'u1') as { status: number }).status, 403);
  assert.equal((readDecisionForm(S, { grant, decision: 'approve', csrf: 'x' }, 'u1') as { status: number }).status, 403);
  assert.equal((readDecisionForm(S, { grant, decision: 'approve', csrf: good }, 'u2') as { status: number }).status, 403, 'another user');
  assert.equal((readDecisionForm(S, { grant: 'nope', decision: 'approve', csrf: good }, 'u1') as { status: number }).status, 400);
  assert.deepEqual(readDecisionForm(S, { grant, decision: 'deny', csrf: good, tenant: '' }, 'u1'), { ok: true, grantId: grant, decision: 'deny', tenant: '' });
});
