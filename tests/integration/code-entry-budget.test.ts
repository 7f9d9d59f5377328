// Guessing user codes: per-account, per-IP and global budgets of wrong entries; a lock refuses the
// right code too; the first refusal of each budget is an audit event and a log alert; racing
// guesses never get more than the budget evaluated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, like } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { clock, form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import { handleDeviceAuthorization } from '../../lib/auth/oauth-http.ts';
import { enterUserCode } from '../../lib/auth/device-grant.ts';
import { auditEvents } from '../../lib/db/schema.ts';

describe('user-code entry budgets (postgres)', () => {
  let h: TestDatabase;
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h?.close(); });

  async function liveCode(c: ReturnType<typeof clock>, cfg: ReturnType<typeof testConfig>, ip = '203.0.113.7') {
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization',
      { client_id: 'bmc-cli', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { 'x-forwarded-for': ip }), { db: h.db, cfg, now: c.now });
    assert.equal(res.status, 200);
    return (await res.json() as { user_code: string }).user_code;
  }
  const locks = (target: string) => h.db.select().from(auditEvents)
    .where(and(eq(auditEvents.action, 'oauth.device.code_entry_locked'), eq(auditEvents.target, target)));

  test('an account gets 5 wrong codes per window; then even the right code is refused; one audit event', async () => {
    const cfg = testConfig();
    const c = clock();
    const u = await makeAccount(h.db, 'acct');
    const code = await liveCode(c, cfg);
    // Each guess from a different address: the account budget is what bites.
    for (let i = 0; i < 5; i++) {
      const r = await enterUserCode(h.db, { userCode: 'BBBB-BBBB-BBBB', userId: u.userId }, cfg, { ip: `198.51.100.${i}`, userAgent: 'x' }, c.now());
      assert.deepEqual(r, { ok: false, reason: 'invalid' }, `guess ${i + 1} evaluated`);
    }
    for (let i = 0; i < 3; i++) {
      const right = await enterUserCode(h.db, { userCode: code, userId: u.userId }, cfg, { ip: '198.51.100.99', userAgent: 'x' }, c.now());
      assert.equal(right.ok, false, 'the right code is refused while locked (no oracle)');
      assert.equal(!right.ok && right.reason === 'rate_limited' && right.scope, 'user');
      assert.ok(!right.ok && right.reason === 'rate_limited' && right.retryAfterSeconds > 0 && right.retryAfterSeconds <= 900);
    }
    assert.equal((await locks(`user:${u.userId}`)).length, 1, 'audited once per exhaustion, not per refusal');
    c.advance(901);
    const later = await liveCode(c, cfg);
    assert.ok((await enterUserCode(h.db, { userCode: later, userId: u.userId }, cfg, { ip: '198.51.100.99', userAgent: 'x' }, c.now())).ok, 'after the window');
  });

  test('an address gets its own budget across accounts; the right code is refused from it while locked', async () => {
    const cfg = testConfig({ OAUTH_CODE_ENTRY_FAILURES_PER_IP: '8' });
    const c = clock();
    const code = await liveCode(c, cfg);
    const ip = { ip: '192.0.2.77', userAgent: 'bot' };
    for (let i = 0; i < 4; i++) {
      const a = await makeAccount(h.db, `ip${i}`);
      for (let j = 0; j < 2; j++) assert.equal((await enterUserCode(h.db, { userCode: 'CCCC-CCCC-CCCC', userId: a.userId }, cfg, ip, c.now())).ok, false);
    }
    const fresh = await makeAccount(h.db, 'ipfresh');
    const r = await enterUserCode(h.db, { userCode: code, userId: fresh.userId }, cfg, ip, c.now());
    assert.equal(!r.ok && r.reason === 'rate_limited' && r.scope, 'ip');
    assert.equal((await locks('ip:192.0.2.77')).length, 1);
    // The account refused by the address keeps its own budget (the attempt was not evaluated).
    assert.ok((await enterUserCode(h.db, { userCode: code, userId: fresh.userId }, cfg, { ip: '192.0.2.78', userAgent: 'x' }, c.now())).ok);
  });

  test('the global budget stops a distributed guesser (many accounts, many addresses); audited as service-wide', async () => {
    const cfg = testConfig({ OAUTH_CODE_ENTRY_FAILURES_GLOBAL: '12' });
    const c = clock(Date.parse('2026-12-01T00:00:00Z'));
    const code = await liveCode(c, cfg);
    let evaluated = 0;
    for (let i = 0; i < 12; i++) {
      const a = await makeAccount(h.db, `g${i}`);
      const r = await enterUserCode(h.db, { userCode: 'DDDD-DDDD-DDDD', userId: a.userId }, cfg, { ip: `10.0.${i}.1`, userAgent: 'x' }, c.now());
      if (!r.ok && r.reason === 'invalid') evaluated++;
    }
    assert.equal(evaluated, 12);
    const victim = await makeAccount(h.db, 'gv');
    const r = await enterUserCode(h.db, { userCode: code, userId: victim.userId }, cfg, { ip: '10.9.9.9', userAgent: 'x' }, c.now());
    assert.equal(!r.ok && r.reason === 'rate_limited' && r.scope, 'global');
    const ev = await locks('service');
    assert.equal(ev.length, 1);
    assert.equal((ev[0].metadata as { budget: string }).budget, 'global');
    // Not evaluated: neither the account nor the address lost an attempt to the global lock.
    c.advance(901);
    assert.ok((await enterUserCode(h.db, { userCode: await liveCode(c, cfg), userId: victim.userId }, cfg, { ip: '10.9.9.9', userAgent: 'x' }, c.now())).ok);
  });

  test('racing guesses (20 rounds × 16 at once): never more than 5 evaluated per account, one audit event per round', async () => {
    const cfg = testConfig({ OAUTH_CODE_ENTRY_FAILURES_GLOBAL: '100000' });
    for (let round = 0; round < 20; round++) {
      const c = clock(Date.parse('2026-12-02T00:00:00Z') + round * 1000);
      const u = await makeAccount(h.db, `race${round}`);
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) =>
        enterUserCode(h.db, { userCode: 'FFFF-FFFF-FFFF', userId: u.userId }, cfg, { ip: `172.16.${round}.${i}`, userAgent: 'x' }, c.now())));
      const invalid = results.filter((r) => !r.ok && r.reason === 'invalid').length;
      const limited = results.filter((r) => !r.ok && r.reason === 'rate_limited').length;
      assert.equal(invalid, 5, `round ${round}: evaluated ${invalid}`);
      assert.equal(limited, 11, `round ${round}`);
      assert.equal((await locks(`user:${u.userId}`)).length, 1, `round ${round}: one audit event`);
    }
    const all = await h.db.select().from(auditEvents).where(like(auditEvents.action, 'oauth.device.code_entry_locked'));
    assert.ok(all.length >= 20);
  });

  test('live device codes are capped service-wide: past the cap a device request gets 503 + Retry-After', async () => {
    const cfg = testConfig({ OAUTH_DEVICE_MAX_LIVE_CODES: '3', OAUTH_DEVICE_ISSUE_LIMIT_PER_CLIENT: '1000' });
    const c = clock(Date.parse('2026-12-03T00:00:00Z'));
    // Pending codes of earlier tests have expired by this clock.
    for (let i = 0; i < 3; i++) await liveCode(c, cfg, `100.64.0.${i}`);
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization',
      { client_id: 'bmc-cli', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { 'x-forwarded-for': '100.64.0.9' }), { db: h.db, cfg, now: c.now });
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal((await res.json()).error, 'temporarily_unavailable');
    c.advance(cfg.deviceCodeTtlSeconds + 1);
    assert.ok(await liveCode(c, cfg), 'room again once they expire');
  });
});
