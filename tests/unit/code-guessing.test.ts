// RFC 8628 §5.1 arithmetic from the configured constants: the chance that guessing user codes hits a
// live one within one code lifetime. A user code is 8 characters of a 20-letter alphabet (20^8 codes).
//   guesses  = failed entries allowed per window × windows that fit in one code lifetime
//   live     = device codes pending at once, bounded by OAUTH_DEVICE_MAX_LIVE_CODES (issuance is also
//              limited per IP, so reaching the cap takes cap ÷ OAUTH_DEVICE_ISSUE_LIMIT addresses)
//   P        = guesses × live ÷ 20^8
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oauthConfigFrom, type OAuthConfig } from '../../lib/config/oauth.ts';
import { USER_CODE_ALPHABET, USER_CODE_LENGTH } from '../../lib/auth/device-grant.ts';

const cfg = (env: Record<string, string> = {}) => oauthConfigFrom(env, { appUrl: 'http://x.test', authSecret: 'x'.repeat(40) });
const CODE_SPACE = USER_CODE_ALPHABET.length ** USER_CODE_LENGTH;

function odds(c: OAuthConfig) {
  // A window that starts just before a code is issued and another that starts within its lifetime.
  const windows = Math.ceil(c.deviceCodeTtlSeconds / c.codeEntryLimit.windowSeconds) + (c.deviceCodeTtlSeconds % c.codeEntryLimit.windowSeconds === 0 ? 0 : 1);
  return {
    windows,
    /** One account against one particular code (the RFC's own example). */
    accountVsOneCode: (c.codeEntryLimit.perUser * windows) / CODE_SPACE,
    /** One account against every live code. */
    accountVsAnyCode: (c.codeEntryLimit.perUser * windows * c.maxLiveCodes) / CODE_SPACE,
    /** Every account and address together (the global budget) against every live code. */
    serviceVsAnyCode: (c.codeEntryLimit.global * windows * c.maxLiveCodes) / CODE_SPACE,
  };
}

test('the user code space is 20^8 (base-20, 8 characters: 34.6 bits)', () => {
  assert.equal(USER_CODE_ALPHABET.length, 20);
  assert.equal(USER_CODE_LENGTH, 8);
  assert.equal(CODE_SPACE, 25_600_000_000);
});

test('defaults: 5 wrong codes per account per 15 minutes; per-IP and global budgets; a live-code cap', () => {
  const c = cfg();
  assert.equal(c.codeEntryLimit.perUser, 5);
  assert.equal(c.codeEntryLimit.windowSeconds, 900);
  assert.ok(c.codeEntryLimit.perIp >= c.codeEntryLimit.perUser && c.codeEntryLimit.perIp < c.codeEntryLimit.global);
  assert.ok(c.maxLiveCodes > 0);
});

test('guesses × live codes ÷ 20^8 with the configured constants', () => {
  const o = odds(cfg());
  const log2 = (x: number) => Math.log2(x).toFixed(1);
  console.log(`code lifetime spans ≤ ${o.windows} windows; P(account, one code) = 2^${log2(o.accountVsOneCode)}; `
    + `P(account, any of ${cfg().maxLiveCodes} live codes) = 2^${log2(o.accountVsAnyCode)}; P(whole service, any live code) = 2^${log2(o.serviceVsAnyCode)}`);
  // RFC 8628 §5.1's figure: about 2^-32 for a guesser against a code during its lifetime.
  assert.ok(o.accountVsOneCode <= 2 ** -31, `one account vs one code: ${o.accountVsOneCode}`);
  // Against any live code, with the live-code cap as the bound.
  assert.ok(o.accountVsAnyCode <= 2 ** -21, `one account vs any live code: ${o.accountVsAnyCode}`);
  assert.ok(o.serviceVsAnyCode <= 2 ** -15, `whole service vs any live code: ${o.serviceVsAnyCode}`);
});

test('the arithmetic catches a loosened setting (the old default of 10 per user, a huge global budget)', () => {
  assert.ok(odds(cfg({ OAUTH_CODE_ENTRY_FAILURES_PER_USER: '10' })).accountVsOneCode > 2 ** -32);
  assert.ok(odds(cfg({ OAUTH_CODE_ENTRY_FAILURES_GLOBAL: '1000000' })).serviceVsAnyCode > 2 ** -15);
});
