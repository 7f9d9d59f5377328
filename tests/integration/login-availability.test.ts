// CLI login stays available under a flood of device requests: issuance is limited per address, per network
// (IPv4 /24, IPv6 /64), per IPv6 site (/48) and per client, so neither a few dozen addresses nor one /64 can
// fill the live-code pool; and a spent service-wide wrong-code budget does not refuse the right code of a
// person entering it from the network their terminal is on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { clock, form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import { handleDeviceAuthorization } from '../../lib/auth/oauth-http.ts';
import { enterUserCode } from '../../lib/auth/device-grant.ts';
import { networkConfigFrom } from '../../lib/config/network.ts';
import { PEER_HEADER, peerStamp } from '../../lib/auth/request-info.ts';
import { networkOf, siteOf } from '../../lib/auth/network-prefix.ts';

const NET = networkConfigFrom({});

describe('login availability (postgres)', () => {
  let h: TestDatabase;
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h?.close(); });

  async function deviceRequest(c: ReturnType<typeof clock>, cfg: ReturnType<typeof testConfig>, ip: string, clientId = 'bmc-cli') {
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization',
      { client_id: clientId, code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { [PEER_HEADER]: peerStamp(ip) }),
    { db: h.db, cfg, now: c.now, network: NET });
    return { status: res.status, body: await res.json() as { user_code?: string; error?: string } };
  }

  test('networks: IPv4 /24, IPv6 /64 and /48, whatever the spelling', () => {
    assert.equal(networkOf('203.0.113.7'), 'v4:203.0.113.0/24');
    assert.equal(networkOf('2001:db8:1:2::7'), networkOf('2001:0db8:0001:0002:ffff:0:0:1'));
    assert.notEqual(networkOf('2001:db8:1:2::7'), networkOf('2001:db8:1:3::7'));
    assert.equal(siteOf('2001:db8:1:2::7'), siteOf('2001:db8:1:ff00::1'));
    assert.equal(networkOf('::ffff:1.2.3.4'), networkOf('0:0:0:0:0:ffff:102:304'));
    assert.equal(networkOf(null), 'unknown');
  });

  // A pool of 150 stands for the default (2,384 at the default budgets, see code-guessing.test.ts): the per-network
  // limits are the defaults, and what one network or site can hold must stay far below the pool either way.
  test('one IPv6 /64 rotating addresses, or one /48 rotating /64s, cannot fill the pool; someone else still logs in', async () => {
    const cfg = testConfig({ OAUTH_DEVICE_MAX_LIVE_CODES: '150', OAUTH_DEVICE_ISSUE_LIMIT_PER_CLIENT: '1000' });
    const c = clock(Date.parse('2026-12-05T00:00:00Z'));
    let issued = 0;
    for (let i = 1; i <= 100; i++) if ((await deviceRequest(c, cfg, `2001:db8:aa:1::${i.toString(16)}`)).status === 200) issued++;
    assert.ok(issued <= 60, `one /64 got ${issued} live codes`);
    for (let n = 2; n < 82; n++) if ((await deviceRequest(c, cfg, `2001:db8:aa:${n.toString(16)}::1`)).status === 200) issued++;
    assert.ok(issued <= 120, `one /48 got ${issued} live codes`);
    const someone = await deviceRequest(c, cfg, '198.51.100.23');
    assert.equal(someone.status, 200, JSON.stringify(someone.body));
  });

  test('addresses at the per-address limit in two /24 networks cannot fill the pool; someone else still logs in', async () => {
    const cfg = testConfig({ OAUTH_DEVICE_MAX_LIVE_CODES: '150', OAUTH_DEVICE_ISSUE_LIMIT_PER_CLIENT: '1000' });
    const c = clock(Date.parse('2026-12-06T00:00:00Z'));
    let issued = 0;
    for (let a = 0; a < 6; a++) {
      const ip = `192.0.${a % 2}.${a + 1}`;
      for (let i = 0; i < 30; i++) if ((await deviceRequest(c, cfg, ip)).status === 200) issued++;
    }
    assert.ok(issued <= 2 * 60, `two /24 networks got ${issued} live codes`);
    assert.equal((await deviceRequest(c, cfg, '198.51.100.24')).status, 200);
  });

  test('no single client id takes more than its share of the pool', async () => {
    const cfg = testConfig({ OAUTH_DEVICE_MAX_LIVE_CODES: '10', OAUTH_EXTRA_CLIENT_IDS: 'other-cli' });
    assert.equal(cfg.deviceIssueLimitPerClient.limit, 5);
    const c = clock(Date.parse('2026-12-07T00:00:00Z'));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await deviceRequest(c, cfg, `100.70.${i}.1`, 'bmc-cli')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.equal((await deviceRequest(c, cfg, '100.70.99.1', 'other-cli')).status, 200, 'the other client still has room');
  });

  test('a spent global wrong-code budget still lets a right code in from the terminal\'s own network, and only that', async () => {
    const cfg = testConfig({ OAUTH_CODE_ENTRY_FAILURES_GLOBAL: '10' });
    const c = clock(Date.parse('2026-12-08T00:00:00Z'));
    const mine = (await deviceRequest(c, cfg, '203.0.113.50')).body.user_code!;
    const theirs = (await deviceRequest(c, cfg, '198.51.100.77')).body.user_code!;
    // Two accounts (a handful) spend the whole service budget.
    for (let a = 0; a < 2; a++) {
      const acct = await makeAccount(h.db, `spender${a}`);
      for (let i = 0; i < 5; i++) await enterUserCode(h.db, { userCode: 'BBBB-CCCC-DDDD', userId: acct.userId }, cfg, { ip: `192.0.2.${a}`, userAgent: 'x' }, c.now());
    }
    const me = await makeAccount(h.db, 'me');
    const other = await makeAccount(h.db, 'other');
    // A wrong code and someone else's right code from my network get the same refusal (no oracle).
    const wrong = await enterUserCode(h.db, { userCode: 'FFFF-GGGG-HHHH', userId: other.userId }, cfg, { ip: '203.0.113.60', userAgent: 'x' }, c.now());
    assert.equal(!wrong.ok && wrong.reason === 'rate_limited' && wrong.scope, 'global');
    const foreign = await enterUserCode(h.db, { userCode: theirs, userId: other.userId }, cfg, { ip: '203.0.113.60', userAgent: 'x' }, c.now());
    assert.equal(!foreign.ok && foreign.reason === 'rate_limited' && foreign.scope, 'global');
    // My own code, entered from my terminal's network, goes through.
    const r = await enterUserCode(h.db, { userCode: mine, userId: me.userId }, cfg, { ip: '203.0.113.61', userAgent: 'x' }, c.now());
    assert.ok(r.ok, JSON.stringify(r));
  });
});
