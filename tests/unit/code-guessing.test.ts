// RFC 8628 §5.1 arithmetic from the configured constants: the chance that guessing user codes hits ANY live
// one within one code lifetime must stay at about 2^-32, for one account and for the whole service's budget.
// A user code is USER_CODE_LENGTH characters of a 20-letter alphabet (alphabet^length codes).
//   guesses  = failed entries allowed per window × windows that one code lifetime can touch
//   live     = device codes pending at once, bounded by OAUTH_DEVICE_MAX_LIVE_CODES (issuance is also
//              limited per IP, so reaching the cap takes cap ÷ OAUTH_DEVICE_ISSUE_LIMIT addresses)
//   P        = guesses × live ÷ alphabet^length
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oauthConfigFrom, type OAuthConfig } from '../../lib/config/oauth.ts';
import { formatUserCode, generateUserCode, normaliseUserCode, USER_CODE_ALPHABET, USER_CODE_LENGTH } from '../../lib/auth/device-grant.ts';
import { liveCodeCapFor } from '../../lib/auth/user-code-space.ts';

const cfg = (env: Record<string, string> = {}) => oauthConfigFrom(env, { appUrl: 'http://x.test', authSecret: 'x'.repeat(40) });
const CODE_SPACE = USER_CODE_ALPHABET.length ** USER_CODE_LENGTH;
/** RFC 8628 §5.1: "about 2^-32"; a tenth of a bit of slack for "about". */
const TARGET = 2 ** -31.9;

function odds(c: OAuthConfig, space = CODE_SPACE) {
  // Fixed windows of W seconds: a lifetime of L seconds that does not start on a window boundary crosses up to
  // ceil(L / W) boundaries, so it touches up to ceil(L / W) + 1 windows (each with a fresh budget).
  const windows = Math.ceil(c.deviceCodeTtlSeconds / c.codeEntryLimit.windowSeconds) + 1;
  return {
    windows,
    /** One account against one particular code (the RFC's own example). */
    accountVsOneCode: (c.codeEntryLimit.perUser * windows) / space,
    /** One account against every live code. */
    accountVsAnyCode: (c.codeEntryLimit.perUser * windows * c.maxLiveCodes) / space,
    /** Every account and address together (the global budget) against every live code. */
    serviceVsAnyCode: (c.codeEntryLimit.global * windows * c.maxLiveCodes) / space,
  };
}

test('the user code space is 20^12 (12 consonants: 51.9 bits), shown in groups of 4, typed any way', () => {
  assert.equal(USER_CODE_ALPHABET.length, 20);
  assert.equal(USER_CODE_LENGTH, 12);
  assert.equal(CODE_SPACE, 20 ** 12);
  const code = generateUserCode();
  assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{12}$/);
  assert.match(formatUserCode(code), /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  assert.equal(normaliseUserCode(formatUserCode(code).toLowerCase().replace(/-/g, ' ')), code);
});

test('defaults: 5 wrong codes per account per 15 minutes; per-IP and global budgets; a live-code cap', () => {
  const c = cfg();
  assert.equal(c.codeEntryLimit.perUser, 5);
  assert.equal(c.codeEntryLimit.windowSeconds, 900);
  assert.ok(c.codeEntryLimit.perIp >= c.codeEntryLimit.perUser && c.codeEntryLimit.perIp < c.codeEntryLimit.global);
  // no trivial denial of service: locking everyone out takes many accounts or addresses, and the cap leaves room
  assert.ok(c.codeEntryLimit.global >= 40 * c.codeEntryLimit.perUser, 'the global budget is far above one account\'s');
  assert.ok(c.maxLiveCodes >= 2000, 'room for two thousand logins in flight');
  // Filling the pool takes many networks: each /24 or /64 holds at most two windows' worth of its limit.
  const perNetwork = 2 * c.deviceIssueLimitPerNetwork.limit;
  assert.ok(c.maxLiveCodes / perNetwork >= 19, `${Math.ceil(c.maxLiveCodes / perNetwork)} networks fill the pool`);
  assert.ok(c.deviceIssueLimitPerClient.limit <= c.maxLiveCodes / 2, 'no client id takes more than half the pool');
});

test('guesses × live codes ÷ alphabet^length ≤ about 2^-32, for one account and for the whole service, against ANY live code', () => {
  const c = cfg();
  const o = odds(c);
  const log2 = (x: number) => Math.log2(x).toFixed(1);
  console.log(`code space 20^${USER_CODE_LENGTH} = 2^${log2(CODE_SPACE)}; a code lifetime touches ≤ ${o.windows} windows; `
    + `P(account, one code) = 2^${log2(o.accountVsOneCode)}; P(account, any of ${c.maxLiveCodes} live codes) = 2^${log2(o.accountVsAnyCode)}; `
    + `P(whole service, any live code) = 2^${log2(o.serviceVsAnyCode)}`);
  assert.ok(o.accountVsOneCode <= TARGET, `one account vs one code: 2^${log2(o.accountVsOneCode)}`);
  assert.ok(o.accountVsAnyCode <= TARGET, `one account vs any live code: 2^${log2(o.accountVsAnyCode)}`);
  assert.ok(o.serviceVsAnyCode <= TARGET, `whole service vs any live code: 2^${log2(o.serviceVsAnyCode)}`);
});

test('the arithmetic catches a loosened setting or a shorter code', () => {
  // With the cap pinned (a derived cap would shrink to keep the bound).
  assert.ok(odds(cfg({ OAUTH_CODE_ENTRY_FAILURES_GLOBAL: '1000', OAUTH_DEVICE_MAX_LIVE_CODES: '2384' })).serviceVsAnyCode > TARGET, 'a 5× global budget');
  assert.ok(odds(cfg({ OAUTH_DEVICE_MAX_LIVE_CODES: '10000' })).serviceVsAnyCode > TARGET, 'a 10× live-code cap');
  assert.ok(odds(cfg({ OAUTH_CODE_ENTRY_WINDOW_SECONDS: '60', OAUTH_DEVICE_MAX_LIVE_CODES: '2384' })).serviceVsAnyCode > TARGET, 'a budget renewed every minute');
  assert.ok(odds(cfg(), 20 ** 8).serviceVsAnyCode > TARGET, 'the old 8-letter code');
  assert.ok(odds(cfg(), 20 ** 8).accountVsAnyCode > TARGET, 'the old 8-letter code, one account');
});

test('the live-code cap scales with the code space: derived by default, the most that keeps the service at 2^-32', () => {
  const c = cfg();
  assert.equal(c.maxLiveCodes, liveCodeCapFor(CODE_SPACE, c.codeEntryLimit.global, c.deviceCodeTtlSeconds, c.codeEntryLimit.windowSeconds));
  assert.equal(c.maxLiveCodes, 2384);
  assert.ok(odds(c).serviceVsAnyCode <= 2 ** -32);
  assert.ok(odds({ ...c, maxLiveCodes: c.maxLiveCodes + 1 }).serviceVsAnyCode > 2 ** -32, 'one more would pass the bound');
  // Two more letters: 400× the codes, 400× the cap; half the global budget, twice the cap.
  assert.ok(Math.abs(liveCodeCapFor(20 ** 14, 200, 600, 900) / c.maxLiveCodes - 400) < 1);
  assert.ok(Math.abs(liveCodeCapFor(CODE_SPACE, 100, 600, 900) / c.maxLiveCodes - 2) < 0.01);
  assert.ok(cfg({ OAUTH_CODE_ENTRY_FAILURES_GLOBAL: '1000' }).maxLiveCodes < c.maxLiveCodes, 'a bigger budget shrinks the default cap');
});
