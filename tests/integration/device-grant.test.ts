// The device authorization grant against real Postgres, through the HTTP handlers, with injected time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { BASE, clock, form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { handleDeviceAuthorization, handleRevoke, handleToken } from '../../lib/auth/oauth-http.ts';
import {
  DEVICE_GRANT_TYPE, decideDeviceGrant, enterUserCode, formatUserCode, generateDeviceCode, generateUserCode,
  normaliseUserCode, redeemDeviceGrant, tenantForApproval, USER_CODE_ALPHABET,
} from '../../lib/auth/device-grant.ts';
import { revokeAllSessions } from '../../lib/auth/tokens.ts';
import { auditEvents, deviceGrants, memberships } from '../../lib/db/schema.ts';
import { UPSTREAM_CLI_CLIENT_ID } from '../../lib/config/oauth.ts';
import { networkConfigFrom } from '../../lib/config/network.ts';
import {
  PEER_HEADER, clientIpFromHeaders, clientIpFromNodeRequest, peerStamp, requestInfoFromHeaders, stampClientAddress,
} from '../../lib/auth/request-info.ts';

const CLIENT = 'bmc-cli';
const SCOPE = 'openid profile email offline_access';
const ctx = { ip: '198.51.100.9', userAgent: 'Mozilla/5.0 test browser' };
// Hermetic: no TRUSTED_PROXY_HOPS from the environment. With 0 hops the client address is the
// stamped socket peer (what the node:http hook writes), never X-Forwarded-For.
const NET = networkConfigFrom({});
const fromPeer = (ip: string) => ({ [PEER_HEADER]: peerStamp(ip) });
let peers = 0;
/** A distinct peer per device request, so per-IP counters of one test never meet another's. */
const nextPeer = () => { peers++; return `198.18.${(peers >> 8) & 255}.${peers & 255}`; };

describe('device codes', () => {
  test('device code: bmdc_ prefix + 256 random bits; user codes: 12 chars of the alphabet, shown XXXX-XXXX-XXXX', () => {
    const d = generateDeviceCode();
    assert.match(d, /^bmdc_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateDeviceCode(), d);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const u = generateUserCode();
      assert.equal(u.length, 12);
      for (const ch of u) assert.ok(USER_CODE_ALPHABET.includes(ch), ch);
      seen.add(u);
    }
    assert.ok(seen.size > 1990, 'user codes look random');
    assert.equal(formatUserCode('BCDFGHJKLMNP'), 'BCDF-GHJK-LMNP');
  });

  test('normalisation ignores case, spaces and dashes; rejects other letters and wrong lengths', () => {
    for (const s of ['BCDF-GHJK-LMNP', 'bcdf-ghjk-lmnp', 'bcdfghjklmnp', ' bc df  gh jk lm np ', 'BCDF—GHJK–LMNP', 'bCdF_gHjK.lMnP', 'BCDF GHJK LMNP'])
      assert.equal(normaliseUserCode(s), 'BCDFGHJKLMNP', s);
    // the old 8-letter form is a wrong length now, like any other
    for (const s of ['BCDF-GHJK', 'BCDF-GHJK-LMN', 'BCDF-GHJK-LMNPQ', 'ABCD-EFGH-IJKL', 'BCDF-GHJK-LMN1', '', 'BCDF-GHJK-LMN!']) assert.equal(normaliseUserCode(s), null, s);
  });
});

describe('network settings', () => {
  test('TRUSTED_PROXY_HOPS defaults to 0 and is validated; the refresh limit is generous by default', async () => {
    const { ConfigError, loadConfig } = await import('../../lib/config/index.ts');
    assert.deepEqual(networkConfigFrom({}), { trustedProxyHops: 0, refreshLimit: { limit: 600, windowSeconds: 600 }, maxInFlight: 64, maxEventLoopLagMs: 25, frontEdge: true });
    assert.equal(networkConfigFrom({ TRUSTED_PROXY_HOPS: '2' }).trustedProxyHops, 2);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-net-'));
    try {
      for (const bad of ['-1', 'one', '1.5', '11']) {
        assert.throws(() => loadConfig({ BMC_DATA_DIR: dataDir, AUTH_SECRET: 'x'.repeat(40), TRUSTED_PROXY_HOPS: bad }),
          (e: unknown) => e instanceof ConfigError && e.issues.some((i) => i.variable === 'TRUSTED_PROXY_HOPS' && /trusted reverse proxies/.test(i.message)), bad);
      }
      assert.equal(loadConfig({ BMC_DATA_DIR: dataDir, AUTH_SECRET: 'x'.repeat(40), TRUSTED_PROXY_HOPS: '1' }).network.trustedProxyHops, 1);
    } finally { fs.rmSync(dataDir, { recursive: true, force: true }); }
  });
});

describe('device grant on postgres', () => {
  let h: TestDatabase;
  const cfg = testConfig();
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h?.close(); });

  async function start(c: ReturnType<typeof clock>, extra: Record<string, string> = {}, clientId = CLIENT) {
    const p = pkce();
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization', {
      client_id: clientId, scope: SCOPE, code_challenge: p.challenge, code_challenge_method: 'S256', ...extra,
    }, fromPeer(nextPeer())), { db: h.db, cfg, now: c.now, network: NET });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json() as { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; expires_in: number; interval: number };
    return { ...body, verifier: p.verifier };
  }
  async function poll(c: ReturnType<typeof clock>, deviceCode: string, verifier: string | undefined, clientId = CLIENT) {
    const params: Record<string, string> = { grant_type: DEVICE_GRANT_TYPE, device_code: deviceCode, client_id: clientId };
    if (verifier !== undefined) params.code_verifier = verifier;
    const res = await handleToken(form('/oauth2/token', params), { db: h.db, cfg, now: c.now, network: NET });
    return { status: res.status, headers: res.headers, body: await res.json() as Record<string, unknown> };
  }
  async function approve(c: ReturnType<typeof clock>, userCode: string, userId: string) {
    const e = await enterUserCode(h.db, { userCode, userId }, cfg, ctx, c.now());
    assert.ok(e.ok, 'code accepted');
    return decideDeviceGrant(h.db, { grantId: e.grant.id, userId, decision: 'approve' }, ctx, c.now());
  }

  test('device authorization response: RFC 8628 fields, interval 5, expires_in ≤ 900, no-store; only hashes stored', async () => {
    const c = clock();
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization', {
      client_id: CLIENT, scope: SCOPE, code_challenge: pkce().challenge, code_challenge_method: 'S256',
    }), { db: h.db, cfg, now: c.now, network: NET });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    const b = await res.json();
    assert.match(b.device_code, /^bmdc_/);
    assert.match(b.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(b.verification_uri, `${BASE}/device`);
    assert.equal(b.verification_uri_complete, `${BASE}/device?user_code=${b.user_code}`);
    assert.equal(b.interval, 5);
    assert.ok(b.expires_in > 0 && b.expires_in <= 900);
    const dump = JSON.stringify(await h.db.select().from(deviceGrants));
    assert.ok(!dump.includes(b.device_code) && !dump.includes(b.user_code) && !dump.includes(b.user_code.replace('-', '')), 'raw codes never stored');
  });

  test('the upstream bm client id is accepted; an unknown client is invalid_client 401 with WWW-Authenticate', async () => {
    const c = clock();
    await start(c, {}, UPSTREAM_CLI_CLIENT_ID);
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: 'nope', scope: SCOPE }), { db: h.db, cfg, now: c.now, network: NET });
    assert.equal(res.status, 401);
    assert.ok(res.headers.get('www-authenticate'));
    assert.equal((await res.json()).error, 'invalid_client');
    const t = await poll(c, 'bmdc_x', undefined, 'nope');
    assert.equal(t.status, 401);
    assert.equal(t.body.error, 'invalid_client');
  });

  test('invalid_request: wrong content type, duplicated parameters, missing client_id, plain or missing or malformed PKCE', async () => {
    const c = clock();
    const deps = { db: h.db, cfg, now: c.now, network: NET };
    const p = pkce();
    const cases: Array<[string, Request]> = [
      ['json body', new Request(BASE + '/oauth2/device_authorization', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT }) })],
      ['duplicate client_id', form('/oauth2/device_authorization', `client_id=${CLIENT}&client_id=${CLIENT}&code_challenge=${p.challenge}&code_challenge_method=S256`)],
      ['duplicate scope', form('/oauth2/device_authorization', `client_id=${CLIENT}&scope=openid&scope=email&code_challenge=${p.challenge}&code_challenge_method=S256`)],
      ['missing client_id', form('/oauth2/device_authorization', { scope: SCOPE, code_challenge: p.challenge, code_challenge_method: 'S256' })],
      ['plain PKCE', form('/oauth2/device_authorization', { client_id: CLIENT, code_challenge: p.verifier, code_challenge_method: 'plain' })],
      ['PKCE without method', form('/oauth2/device_authorization', { client_id: CLIENT, code_challenge: p.challenge })],
      ['no PKCE (first-party)', form('/oauth2/device_authorization', { client_id: CLIENT, scope: SCOPE })],
      ['malformed challenge', form('/oauth2/device_authorization', { client_id: CLIENT, code_challenge: 'short', code_challenge_method: 'S256' })],
    ];
    for (const [name, req] of cases) {
      const res = await handleDeviceAuthorization(req, deps);
      assert.equal(res.status, 400, name);
      assert.equal((await res.json()).error, 'invalid_request', name);
    }
    const res = await handleToken(new Request(BASE + '/oauth2/token', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=refresh_token' }), deps);
    assert.equal((await res.json()).error, 'invalid_request');
    const dup = await handleToken(form('/oauth2/token', `grant_type=${encodeURIComponent(DEVICE_GRANT_TYPE)}&client_id=${CLIENT}&device_code=bmdc_a&device_code=bmdc_b`), deps);
    assert.equal((await dup.json()).error, 'invalid_request');
    const bad = await handleToken(form('/oauth2/token', { grant_type: 'password', client_id: CLIENT, username: 'u', password: 'p' }), deps);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error, 'unsupported_grant_type');
    const scope = await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: CLIENT, scope: 'openid admin', code_challenge: p.challenge, code_challenge_method: 'S256' }), deps);
    assert.equal((await scope.json()).error, 'invalid_scope');
  });

  test('user codes are unique while live: a second live grant with the same code is refused; after expiry the code is free', async () => {
    const { insertDeviceGrant } = await import('../../lib/db/queries/oauth.ts');
    const { hashUserCode } = await import('../../lib/auth/device-grant.ts');
    const { hashSecret } = await import('../../lib/auth/tokens.ts');
    const c = clock();
    const g = (n: number) => ({
      deviceCodeHash: hashSecret('bmdc_same_' + n + Math.random()), userCodeHash: hashUserCode('ZZZZZZZZZZZZ'), clientId: CLIENT, scope: SCOPE,
      codeChallenge: null, codeChallengeMethod: null, intervalSeconds: 5, expiresAt: new Date(c.now().getTime() + 600_000),
      deviceIp: null, deviceUserAgent: null, createdAt: c.now(),
    });
    assert.ok(await insertDeviceGrant(h.db, g(1), c.now()));
    assert.equal(await insertDeviceGrant(h.db, g(2), c.now()), null);
    c.advance(601);
    assert.ok(await insertDeviceGrant(h.db, g(3), c.now()));
  });

  test('an extra client id configured without PKCE may omit it', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_EXTRA_CLIENT_IDS: 'other-tool', OAUTH_EXTRA_CLIENTS_REQUIRE_PKCE: 'false' });
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: 'other-tool', scope: 'openid' }), { db: h.db, cfg: cfg2, now: c.now, network: NET });
    assert.equal(res.status, 200);
  });

  test('pending → slow_down when early (interval +5, returned), measured against the last ACCEPTED poll; recovery', async () => {
    const c = clock();
    const d = await start(c);
    let r = await poll(c, d.device_code, d.verifier);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'authorization_pending');
    c.advance(2);
    r = await poll(c, d.device_code, d.verifier);
    assert.equal(r.body.error, 'slow_down');
    assert.equal(r.body.interval, 10);
    c.advance(3.5); // 5.5 s after the accepted poll, but the interval is now 10 → 15
    r = await poll(c, d.device_code, d.verifier);
    assert.equal(r.body.error, 'slow_down');
    assert.equal(r.body.interval, 15);
    c.advance(9.5); // 15 s after the last ACCEPTED poll (rejected polls did not move it; 9.5 s after the last one)
    r = await poll(c, d.device_code, d.verifier);
    assert.equal(r.body.error, 'authorization_pending', 'a client that backs off recovers');
  });

  test('a client polling at the advertised interval (with jitter down to −0.9 s) is never told to slow down', async () => {
    const c = clock();
    const d = await start(c);
    for (let i = 0; i < 40; i++) {
      const r = await poll(c, d.device_code, d.verifier);
      assert.equal(r.body.error, 'authorization_pending', `poll ${i}`);
      c.advance(i % 2 ? 4.1 : 5.3);
    }
  });

  test('PKCE: missing or wrong verifier → invalid_grant, malformed → invalid_request; the right one redeems', async () => {
    const c = clock();
    const { userId } = await makeAccount(h.db, 'pkce');
    const d = await start(c);
    assert.equal(await approve(c, d.user_code, userId), 'approved');
    assert.equal((await poll(c, d.device_code, undefined)).body.error, 'invalid_grant');
    assert.equal((await poll(c, d.device_code, pkce().verifier)).body.error, 'invalid_grant');
    assert.equal((await poll(c, d.device_code, 'too-short')).body.error, 'invalid_request');
    const ok = await poll(c, d.device_code, d.verifier);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.match(String(ok.body.access_token), /^bmat_/);
    assert.match(String(ok.body.refresh_token), /^bmrt_/);
    assert.equal(ok.body.token_type, 'Bearer');
    assert.equal(ok.body.expires_in, 3600);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    c.advance(5);
    assert.equal((await poll(c, d.device_code, d.verifier)).body.error, 'invalid_grant', 'redeemed once only');
  });

  test('a device code of another client is invalid_grant', async () => {
    const c = clock();
    const d = await start(c);
    const r = await poll(c, d.device_code, d.verifier, UPSTREAM_CLI_CLIENT_ID);
    assert.equal(r.body.error, 'invalid_grant');
  });

  test('deny → access_denied; expiry → expired_token, and an expired code can neither be entered nor approved', async () => {
    const c = clock();
    const { userId } = await makeAccount(h.db, 'deny');
    const d = await start(c);
    const e = await enterUserCode(h.db, { userCode: d.user_code, userId }, cfg, ctx, c.now());
    assert.ok(e.ok);
    assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId, decision: 'deny' }, ctx, c.now()), 'denied');
    assert.equal((await poll(c, d.device_code, d.verifier)).body.error, 'access_denied');

    const d2 = await start(c);
    const e2 = await enterUserCode(h.db, { userCode: d2.user_code, userId }, cfg, ctx, c.now());
    assert.ok(e2.ok);
    c.advance(cfg.deviceCodeTtlSeconds + 1);
    assert.equal(await decideDeviceGrant(h.db, { grantId: e2.grant.id, userId, decision: 'approve' }, ctx, c.now()), 'expired');
    assert.equal((await poll(c, d2.device_code, d2.verifier)).body.error, 'expired_token');
    const d3 = await start(c);
    c.advance(cfg.deviceCodeTtlSeconds);
    assert.deepEqual(await enterUserCode(h.db, { userCode: d3.user_code, userId }, cfg, ctx, c.now()), { ok: false, reason: 'invalid' });
    assert.equal((await poll(c, d3.device_code, d3.verifier)).body.error, 'expired_token');
  });

  test('an approved grant cannot be redeemed after it expires', async () => {
    const c = clock();
    const { userId } = await makeAccount(h.db, 'late');
    const d = await start(c);
    assert.equal(await approve(c, d.user_code, userId), 'approved');
    c.advance(cfg.deviceCodeTtlSeconds + 1);
    assert.equal((await poll(c, d.device_code, d.verifier)).body.error, 'expired_token');
  });

  test('50 concurrent polls after approval yield exactly one token (and 50 racing redemptions, one session)', async () => {
    const c = clock();
    const { userId } = await makeAccount(h.db, 'race');
    const d = await start(c);
    assert.equal(await approve(c, d.user_code, userId), 'approved');
    const results = await Promise.all(Array.from({ length: 50 }, () => poll(c, d.device_code, d.verifier)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    // Every loser hears the code is spent (RFC 6749 §5.2 invalid_grant), never slow_down for a redeemed code.
    for (const r of results.filter((x) => x.status !== 200)) assert.equal(r.body.error, 'invalid_grant');

    // The redemption step itself, raced without the poll-rate gate in front of it.
    const d2 = await start(c);
    assert.equal(await approve(c, d2.user_code, userId), 'approved');
    const [g] = await h.db.select().from(deviceGrants).where(eq(deviceGrants.status, 'approved'));
    const raced = await Promise.all(Array.from({ length: 50 }, () => redeemDeviceGrant(h.db, g.id, cfg, ctx, c.now())));
    assert.equal(raced.filter((r) => 'access_token' in r).length, 1);
    const sessions = await h.db.execute(sql`select count(*)::int as n from cli_sessions where grant_id = ${g.id}`);
    assert.equal((sessions as unknown as Array<{ n: number }>)[0].n, 1);
  });

  test('a user code claimed by one account is refused to a second account (entry and decision)', async () => {
    const c = clock();
    const a = await makeAccount(h.db, 'alice');
    const b = await makeAccount(h.db, 'bob');
    const d = await start(c);
    const ea = await enterUserCode(h.db, { userCode: d.user_code, userId: a.userId }, cfg, ctx, c.now());
    assert.ok(ea.ok);
    assert.deepEqual(await enterUserCode(h.db, { userCode: d.user_code, userId: b.userId }, cfg, ctx, c.now()), { ok: false, reason: 'invalid' });
    assert.equal(await decideDeviceGrant(h.db, { grantId: ea.grant.id, userId: b.userId, decision: 'approve' }, ctx, c.now()), 'invalid');
    assert.equal(await decideDeviceGrant(h.db, { grantId: ea.grant.id, userId: a.userId, decision: 'approve' }, ctx, c.now()), 'approved');
    assert.equal(await decideDeviceGrant(h.db, { grantId: ea.grant.id, userId: a.userId, decision: 'deny' }, ctx, c.now()), 'invalid', 'decided once');
    const [g] = await h.db.select().from(deviceGrants).where(eq(deviceGrants.id, ea.grant.id));
    assert.equal(g.userId, a.userId);
    assert.equal(g.tenantId, a.tenantId);
  });

  test('failed code entries are limited per user and per IP (even the right code is refused while limited)', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_CODE_ENTRY_FAILURES_PER_USER: '3', OAUTH_CODE_ENTRY_FAILURES_PER_IP: '5', OAUTH_CODE_ENTRY_WINDOW_SECONDS: '600' });
    const u = await makeAccount(h.db, 'guess');
    const d = await start(c);
    const ip = { ip: '192.0.2.50', userAgent: 'x' };
    for (let i = 0; i < 3; i++) assert.deepEqual(await enterUserCode(h.db, { userCode: 'BBBB-BBBB-BBBB', userId: u.userId }, cfg2, ip, c.now()), { ok: false, reason: 'invalid' });
    const limited = await enterUserCode(h.db, { userCode: d.user_code, userId: u.userId }, cfg2, { ...ip, ip: '192.0.2.51' }, c.now());
    assert.equal(limited.ok, false);
    assert.equal(!limited.ok && limited.reason, 'rate_limited');
    // Per IP: two more accounts from the same IP reach the IP limit (3 + 2 = 5 failures).
    const v = await makeAccount(h.db, 'guess2');
    const w = await makeAccount(h.db, 'guess3');
    for (let i = 0; i < 2; i++) await enterUserCode(h.db, { userCode: 'CCCC-CCCC-CCCC', userId: v.userId }, cfg2, ip, c.now());
    const ipLimited = await enterUserCode(h.db, { userCode: d.user_code, userId: w.userId }, cfg2, ip, c.now());
    assert.equal(!ipLimited.ok && ipLimited.reason, 'rate_limited');
    // After the window, the user may try again and the right code works.
    c.advance(601);
    const d2 = await start(c);
    const ok = await enterUserCode(h.db, { userCode: d2.user_code.toLowerCase().replace('-', ' '), userId: u.userId }, cfg2, ip, c.now());
    assert.ok(ok.ok, 'normalised code accepted after the window');
  });

  test('device requests are rate limited per IP: 429 + Retry-After + RFC body', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_DEVICE_ISSUE_LIMIT: '2', OAUTH_DEVICE_ISSUE_WINDOW_SECONDS: '60' });
    const req = () => form('/oauth2/device_authorization', { client_id: CLIENT, scope: SCOPE, code_challenge: pkce().challenge, code_challenge_method: 'S256' }, fromPeer('192.0.2.99'));
    assert.equal((await handleDeviceAuthorization(req(), { db: h.db, cfg: cfg2, now: c.now, network: NET })).status, 200);
    assert.equal((await handleDeviceAuthorization(req(), { db: h.db, cfg: cfg2, now: c.now, network: NET })).status, 200);
    const res = await handleDeviceAuthorization(req(), { db: h.db, cfg: cfg2, now: c.now, network: NET });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '60');
    const b = await res.json();
    assert.equal(typeof b.error, 'string');
    assert.equal(typeof b.error_description, 'string');
    c.advance(61);
    assert.equal((await handleDeviceAuthorization(req(), { db: h.db, cfg: cfg2, now: c.now, network: NET })).status, 200);
  });

  test('audit: approve, deny and redeem are recorded; pending polls are not', async () => {
    const c = clock();
    const { userId } = await makeAccount(h.db, 'audit');
    const d = await start(c);
    for (let i = 0; i < 3; i++) { await poll(c, d.device_code, d.verifier); c.advance(5); }
    assert.equal(await approve(c, d.user_code, userId), 'approved');
    assert.equal((await poll(c, d.device_code, d.verifier)).status, 200);
    const rows = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, userId));
    assert.deepEqual(rows.map((r) => r.action).sort(), ['oauth.device.approve', 'oauth.device.redeem']);
    const text = JSON.stringify(rows);
    assert.ok(!text.includes(d.device_code) && !text.includes(d.user_code), 'no codes in audit');
  });

  // ---------------------------------------------------------------- client address (TRUSTED_PROXY_HOPS)

  test('client address: 0 hops ignores X-Forwarded-For (stamped peer only, forged stamp → null); n hops = n-th from the right', () => {
    const hdr = (o: Record<string, string>) => new Headers(o);
    // 0 hops: whatever the client writes in X-Forwarded-For is ignored.
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '6.6.6.6', ...fromPeer('192.0.2.1') }), 0), '192.0.2.1');
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '6.6.6.6' }), 0), null);
    assert.equal(clientIpFromHeaders(hdr({ [PEER_HEADER]: '6.6.6.6' }), 0), null, 'an unsigned stamp is not believed');
    const stolen = peerStamp('192.0.2.1').split(' ')[1];
    assert.equal(clientIpFromHeaders(hdr({ [PEER_HEADER]: `6.6.6.6 ${stolen}` }), 0), null, 'a signature is bound to its address');
    // n hops: the entry the n-th trusted proxy appended; a client-written prefix changes nothing.
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5' }), 1), '203.0.113.5');
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.2' }), 2), '203.0.113.5');
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '203.0.113.5' }), 3), '203.0.113.5', 'fewer entries than hops → leftmost');
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': 'not-an-ip' }), 1), null);
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '::ffff:203.0.113.5' }), 1), '203.0.113.5');
    assert.equal(clientIpFromHeaders(hdr({ 'x-forwarded-for': '[2001:db8::1]:443' }), 1), '2001:db8::1');
    assert.equal(requestInfoFromHeaders(hdr({ 'user-agent': 'u'.repeat(600), ...fromPeer('192.0.2.1') }), 0).userAgent!.length, 512);
  });

  test('client address over a real socket: stampClientAddress overwrites a client-sent stamp; node-level rule matches', async () => {
    const seen: Array<{ web: string | null; web1: string | null; node0: string | null; node1: string | null }> = [];
    const server = http.createServer((req, res) => {
      stampClientAddress(req); // what the node:http request hook does for every request
      const h = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') h.set(k, v);
      if (!h.has('x-forwarded-for')) h.set('x-forwarded-for', req.socket.remoteAddress ?? ''); // what Next does
      seen.push({ web: clientIpFromHeaders(h, 0), web1: clientIpFromHeaders(h, 1), node0: clientIpFromNodeRequest(req, 0), node1: clientIpFromNodeRequest(req, 1) });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await (await fetch(url, { headers: { 'x-forwarded-for': '6.6.6.6', [PEER_HEADER]: peerStamp('6.6.6.6') } })).arrayBuffer();
      await (await fetch(url)).arrayBuffer();
      await (await fetch(url, { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.5' } })).arrayBuffer();
    } finally { server.closeAllConnections(); server.close(); }
    assert.deepEqual(seen[0], { web: '127.0.0.1', web1: '6.6.6.6', node0: '127.0.0.1', node1: '6.6.6.6' });
    assert.deepEqual(seen[1], { web: '127.0.0.1', web1: '127.0.0.1', node0: '127.0.0.1', node1: '127.0.0.1' });
    assert.deepEqual(seen[2], { web: '127.0.0.1', web1: '203.0.113.5', node0: '127.0.0.1', node1: '203.0.113.5' });
  });

  test('a client-sent X-Forwarded-For does not escape the device-request limit (0 hops and 1 hop)', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_DEVICE_ISSUE_LIMIT: '2', OAUTH_DEVICE_ISSUE_WINDOW_SECONDS: '60' });
    const body = () => ({ client_id: CLIENT, scope: SCOPE, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const spoof = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    // 0 hops: the peer is 192.0.2.120 whatever X-Forwarded-For says.
    const direct = () => handleDeviceAuthorization(form('/oauth2/device_authorization', body(), { 'x-forwarded-for': spoof(), ...fromPeer('192.0.2.120') }),
      { db: h.db, cfg: cfg2, now: c.now, network: NET });
    assert.deepEqual([(await direct()).status, (await direct()).status, (await direct()).status], [200, 200, 429]);
    // 1 hop: the proxy appended 192.0.2.121; whatever the client put before it is ignored.
    const net1 = networkConfigFrom({ TRUSTED_PROXY_HOPS: '1' });
    const proxied = () => handleDeviceAuthorization(form('/oauth2/device_authorization', body(), { 'x-forwarded-for': `${spoof()}, 192.0.2.121` }),
      { db: h.db, cfg: cfg2, now: c.now, network: net1 });
    assert.deepEqual([(await proxied()).status, (await proxied()).status, (await proxied()).status], [200, 200, 429]);
    const grants = await h.db.select().from(deviceGrants).where(eq(deviceGrants.deviceIp, '192.0.2.121'));
    assert.equal(grants.length, 2, 'the device IP recorded is the one the proxy saw');
  });

  test('a client-sent X-Forwarded-For does not escape the failed-entry limit per IP', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_CODE_ENTRY_FAILURES_PER_USER: '100', OAUTH_CODE_ENTRY_FAILURES_PER_IP: '3' });
    for (const [hops, peer, xff] of [[0, '192.0.2.130', () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`],
      [1, null, () => `203.0.113.${Math.floor(Math.random() * 250) + 1}, 192.0.2.131`]] as const) {
      const results: string[] = [];
      for (let i = 0; i < 5; i++) {
        // As the /device/verify route does: the context from the request's headers.
        const headers = new Headers({ 'x-forwarded-for': xff(), ...(peer ? fromPeer(peer) : {}) });
        const info = requestInfoFromHeaders(headers, hops);
        const u = await makeAccount(h.db, `xff${hops}-${i}`); // a fresh account each time: only the IP limit applies
        const r = await enterUserCode(h.db, { userCode: 'BBBB-BBBB-BBBB', userId: u.userId }, cfg2, info, c.now());
        results.push(r.ok ? 'ok' : r.reason);
      }
      assert.deepEqual(results, ['invalid', 'invalid', 'invalid', 'rate_limited', 'rate_limited'], `hops=${hops}`);
    }
  });

  // ---------------------------------------------------------------- failed entries: atomic counting

  test('concurrent wrong entries: no more than the limit are ever evaluated (per user and per IP)', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_CODE_ENTRY_FAILURES_PER_USER: '5', OAUTH_CODE_ENTRY_FAILURES_PER_IP: '7' });
    const u = await makeAccount(h.db, 'racer');
    const ipA = { ip: '192.0.2.140', userAgent: 'x' };
    const byUser = await Promise.all(Array.from({ length: 40 }, () =>
      enterUserCode(h.db, { userCode: 'BBBB-BBBB-BBBB', userId: u.userId }, cfg2, ipA, c.now())));
    // 'invalid' = looked up and failed; anything looked up past the limit would be a guess for free.
    assert.equal(byUser.filter((r) => !r.ok && r.reason === 'invalid').length, 5);
    assert.equal(byUser.filter((r) => !r.ok && r.reason === 'rate_limited').length, 35);

    // Many accounts, one IP (one failure allowed per account, so a non-refunded count would show).
    const cfg3 = testConfig({ OAUTH_CODE_ENTRY_FAILURES_PER_USER: '1', OAUTH_CODE_ENTRY_FAILURES_PER_IP: '7' });
    const ipB = { ip: '192.0.2.141', userAgent: 'x' };
    const accounts = await Promise.all(Array.from({ length: 30 }, (_, i) => makeAccount(h.db, `racer-ip-${i}`)));
    const byIp = await Promise.all(accounts.map((a) => enterUserCode(h.db, { userCode: 'CCCC-CCCC-CCCC', userId: a.userId }, cfg3, ipB, c.now())));
    assert.equal(byIp.filter((r) => !r.ok && r.reason === 'invalid').length, 7);
    // An account refused because of the IP kept its own attempt (it was never evaluated).
    const refused = accounts[byIp.findIndex((r) => !r.ok && r.reason === 'rate_limited')]!;
    const d = await start(c);
    const fresh = await enterUserCode(h.db, { userCode: d.user_code, userId: refused.userId }, cfg3, { ip: '192.0.2.142', userAgent: 'x' }, c.now());
    assert.ok(fresh.ok);
  });

  test('a right code does not use up an attempt: limit − 1 failures, a success, then still one more failure allowed', async () => {
    const c = clock();
    const cfg2 = testConfig({ OAUTH_CODE_ENTRY_FAILURES_PER_USER: '3' });
    const u = await makeAccount(h.db, 'refund');
    const ip = { ip: '192.0.2.150', userAgent: 'x' };
    for (let i = 0; i < 2; i++) assert.equal((await enterUserCode(h.db, { userCode: 'DDDD-DDDD-DDDD', userId: u.userId }, cfg2, ip, c.now())).ok, false);
    const d = await start(c);
    assert.ok((await enterUserCode(h.db, { userCode: d.user_code, userId: u.userId }, cfg2, ip, c.now())).ok);
    const third = await enterUserCode(h.db, { userCode: 'DDDD-DDDD-DDDD', userId: u.userId }, cfg2, ip, c.now());
    assert.equal(!third.ok && third.reason, 'invalid');
    const fourth = await enterUserCode(h.db, { userCode: 'DDDD-DDDD-DDDD', userId: u.userId }, cfg2, ip, c.now());
    assert.equal(!fourth.ok && fourth.reason, 'rate_limited');
  });

  // ---------------------------------------------------------------- missing parameters, audit

  test('invalid_request for a missing grant_type, device_code, refresh_token, or revoke token', async () => {
    const c = clock();
    const deps = { db: h.db, cfg, now: c.now, network: NET };
    const cases: Array<[string, Promise<Response>]> = [
      ['grant_type', handleToken(form('/oauth2/token', { client_id: CLIENT, device_code: 'bmdc_x' }), deps)],
      ['device_code', handleToken(form('/oauth2/token', { client_id: CLIENT, grant_type: DEVICE_GRANT_TYPE, code_verifier: pkce().verifier }), deps)],
      ['refresh_token', handleToken(form('/oauth2/token', { client_id: CLIENT, grant_type: 'refresh_token' }), deps)],
      ['empty refresh_token', handleToken(form('/oauth2/token', { client_id: CLIENT, grant_type: 'refresh_token', refresh_token: '' }), deps)],
      ['revoke token', handleRevoke(form('/oauth2/revoke', { client_id: CLIENT, token_type_hint: 'refresh_token' }), deps)],
    ];
    for (const [name, p] of cases) {
      const res = await p;
      assert.equal(res.status, 400, name);
      assert.equal(res.headers.get('cache-control'), 'no-store', name);
      const b = await res.json();
      assert.equal(b.error, 'invalid_request', name);
      assert.match(b.error_description, /missing/i, name);
    }
  });

  test('audit: a denial is recorded (who, which grant, client, device) without codes', async () => {
    const c = clock();
    const { userId, tenantId } = await makeAccount(h.db, 'audit-deny');
    const d = await start(c);
    const e = await enterUserCode(h.db, { userCode: d.user_code, userId }, cfg, ctx, c.now());
    assert.ok(e.ok);
    assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId, decision: 'deny' }, ctx, c.now()), 'denied');
    const rows = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, userId));
    assert.deepEqual(rows.map((r) => r.action), ['oauth.device.deny']);
    assert.equal(rows[0]!.target, `device_grant:${e.grant.id}`);
    assert.equal(rows[0]!.ip, ctx.ip);
    assert.equal(rows[0]!.tenantId, null, 'a denial binds no tenant');
    assert.notEqual(tenantId, null);
    assert.equal((rows[0]!.metadata as Record<string, unknown>).clientId, CLIENT);
    const text = JSON.stringify(rows);
    assert.ok(!text.includes(d.device_code) && !text.includes(d.user_code), 'no codes in audit');
  });

  test('audit: revoking all CLI sessions is recorded once, with the sessions it ended; their tokens stop working', async () => {
    const c = clock();
    const { userId, tenantId } = await makeAccount(h.db, 'audit-all');
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const d = await start(c);
      assert.equal(await approve(c, d.user_code, userId), 'approved');
      const t = await poll(c, d.device_code, d.verifier);
      assert.equal(t.status, 200);
      tokens.push(String(t.body.refresh_token));
    }
    assert.equal(await revokeAllSessions(h.db, userId, ctx, c.now()), 2);
    const rows = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'oauth.cli_session.revoke_all'));
    const mine = rows.filter((r) => r.actorUserId === userId);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.tenantId, tenantId);
    assert.equal(mine[0]!.target, `user:${userId}`);
    assert.equal((mine[0]!.metadata as { count: number }).count, 2);
    const refresh = await handleToken(form('/oauth2/token', { client_id: CLIENT, grant_type: 'refresh_token', refresh_token: tokens[0]! }, fromPeer(nextPeer())),
      { db: h.db, cfg, now: c.now, network: NET });
    assert.equal((await refresh.json()).error, 'invalid_grant');
    assert.ok(!JSON.stringify(mine).includes(tokens[0]!), 'no tokens in audit');
  });

  // ---------------------------------------------------------------- refresh limit

  test('refresh grants are limited per IP: 429 + Retry-After + RFC body; a client-sent X-Forwarded-For does not escape it', async () => {
    const c = clock();
    const net = networkConfigFrom({ OAUTH_REFRESH_LIMIT: '2', OAUTH_REFRESH_WINDOW_SECONDS: '60' });
    const deps = { db: h.db, cfg, now: c.now, network: net };
    const { userId } = await makeAccount(h.db, 'refresh-limit');
    const d = await start(c);
    assert.equal(await approve(c, d.user_code, userId), 'approved');
    const first = await poll(c, d.device_code, d.verifier);
    let rt = String(first.body.refresh_token);
    const refresh = (token: string, ip: string) => handleToken(form('/oauth2/token', { client_id: CLIENT, grant_type: 'refresh_token', refresh_token: token },
      { 'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250) + 1}`, ...fromPeer(ip) }), deps);
    const ok = await refresh(rt, '192.0.2.160');
    assert.equal(ok.status, 200);
    rt = (await ok.json()).refresh_token;
    assert.equal((await refresh('bmrt_guess', '192.0.2.160')).status, 400, 'failed attempts count too');
    const limited = await refresh(rt, '192.0.2.160');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '60');
    assert.equal(limited.headers.get('cache-control'), 'no-store');
    const b = await limited.json();
    assert.equal(b.error, 'temporarily_unavailable');
    assert.equal(typeof b.error_description, 'string');
    // Refused before evaluation: the token was not rotated, so it still works — from another address, or later.
    const elsewhere = await refresh(rt, '192.0.2.161');
    assert.equal(elsewhere.status, 200, 'another address has its own budget; the refused token was not burnt');
    rt = (await elsewhere.json()).refresh_token;
    c.advance(61);
    assert.equal((await refresh(rt, '192.0.2.160')).status, 200, 'a new window');
  });

  // ---------------------------------------------------------------- tenant shown = tenant granted

  test('approval binds the tenant the confirmation page shows (own tenant before an older membership); a changed tenant is refused', async () => {
    const c = clock();
    const other = await makeAccount(h.db, 'host');
    // An invitation OLDER than the user's own tenant (the oldest-membership rule would pick it).
    const { userId, tenantId } = await makeAccount(h.db, 'guest');
    await h.db.insert(memberships).values({ userId, tenantId: other.tenantId, role: 'member', createdAt: new Date('2020-01-01T00:00:00Z') });
    const shown = await tenantForApproval(h.db, userId);
    assert.equal(shown?.id, tenantId);

    const d = await start(c);
    const e = await enterUserCode(h.db, { userCode: d.user_code, userId }, cfg, ctx, c.now());
    assert.ok(e.ok);
    // The page showed another tenant (membership changed in between): nothing is bound.
    assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId, decision: 'approve', shownTenantId: other.tenantId }, ctx, c.now()), 'invalid');
    assert.equal((await h.db.select().from(deviceGrants).where(eq(deviceGrants.id, e.grant.id)))[0]!.status, 'pending');
    assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId, decision: 'approve', shownTenantId: shown!.id }, ctx, c.now()), 'approved');
    const [g] = await h.db.select().from(deviceGrants).where(eq(deviceGrants.id, e.grant.id));
    assert.equal(g!.tenantId, shown!.id);
    const t = await poll(c, d.device_code, d.verifier);
    assert.equal(t.status, 200);
  });
});

describe('device grant on pglite (the default database of npm start)', () => {
  test('start → pending → slow_down → approve → tokens → reuse refused', async () => {
    const h = await freshDatabase('pglite');
    try {
      const cfg = testConfig();
      const c = clock();
      const deps = { db: h.db, cfg, now: c.now, network: NET };
      const { userId } = await makeAccount(h.db, 'pg');
      const p = pkce();
      const d = await (await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: CLIENT, scope: SCOPE, code_challenge: p.challenge, code_challenge_method: 'S256' }), deps)).json();
      const poll = async () => (await handleToken(form('/oauth2/token', { grant_type: DEVICE_GRANT_TYPE, client_id: CLIENT, device_code: d.device_code, code_verifier: p.verifier }), deps)).json();
      assert.equal((await poll()).error, 'authorization_pending');
      c.advance(1);
      const sd = await poll();
      assert.equal(sd.error, 'slow_down');
      assert.equal(sd.interval, 10);
      const e = await enterUserCode(h.db, { userCode: d.user_code, userId }, cfg, ctx, c.now());
      assert.ok(e.ok);
      assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId, decision: 'approve' }, ctx, c.now()), 'approved');
      c.advance(10);
      const t = await poll();
      assert.match(t.access_token, /^bmat_/);
      c.advance(10);
      assert.equal((await poll()).error, 'invalid_grant');
    } finally { await h.close(); }
  });
});
