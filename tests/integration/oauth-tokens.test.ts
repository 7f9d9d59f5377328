// Refresh rotation, reuse detection, revocation and the principal guard, against real Postgres.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { BASE, clock, form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import { handleDeviceAuthorization, handleRevoke, handleToken } from '../../lib/auth/oauth-http.ts';
import { authorizationServerMetadata } from '../../lib/auth/oauth-metadata.ts';
import { DEVICE_GRANT_TYPE, decideDeviceGrant, enterUserCode } from '../../lib/auth/device-grant.ts';
import { resolvePrincipalWith, principalFromAccessToken } from '../../lib/auth/principal.ts';
import { apiRoute } from '../../lib/http/api-route.ts';
import { revokeAllSessions, revokeSession } from '../../lib/auth/tokens.ts';
import { auditEvents, cliSessions, oauthAccessTokens, oauthRefreshTokens } from '../../lib/db/schema.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { AccessTokenCache, processAccessTokenCache, watchCliSessionRevocations } from '../../lib/auth/access-token-cache.ts';
import { hashSecret } from '../../lib/auth/tokens.ts';
import { openDatabase } from '../../lib/db/client.ts';
import { CLI_SESSION_REVOKED_CHANNEL } from '../../lib/db/queries/oauth.ts';

const CLIENT = 'bmc-cli';
const ctx = { ip: '198.51.100.9', userAgent: 'browser' };

describe('tokens and the principal guard on postgres', () => {
  let h: TestDatabase;
  const cfg = testConfig();
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h?.close(); });

  /** Runs a whole device flow for a fresh account; returns its tokens. */
  async function login(c: ReturnType<typeof clock>, label = 'u') {
    const acct = await makeAccount(h.db, label);
    const p = pkce();
    const deps = { db: h.db, cfg, now: c.now };
    const d = await (await handleDeviceAuthorization(form('/oauth2/device_authorization', {
      client_id: CLIENT, scope: 'openid profile email offline_access', code_challenge: p.challenge, code_challenge_method: 'S256',
    }), deps)).json();
    const e = await enterUserCode(h.db, { userCode: d.user_code, userId: acct.userId }, cfg, ctx, c.now());
    assert.ok(e.ok);
    assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId: acct.userId, decision: 'approve' }, ctx, c.now()), 'approved');
    const res = await handleToken(form('/oauth2/token', { grant_type: DEVICE_GRANT_TYPE, client_id: CLIENT, device_code: d.device_code, code_verifier: p.verifier }), deps);
    assert.equal(res.status, 200);
    const t = await res.json() as { access_token: string; refresh_token: string; expires_in: number };
    return { ...acct, ...t };
  }
  const refresh = async (c: ReturnType<typeof clock>, token: string, clientId = CLIENT) => {
    const res = await handleToken(form('/oauth2/token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: token }), { db: h.db, cfg, now: c.now });
    return { status: res.status, body: await res.json() as Record<string, string | number> };
  };
  const bearer = (token: string) => new Request(BASE + '/api/me', { headers: { authorization: `Bearer ${token}` } });
  const noSession = async () => null;

  test('tokens are stored only as hashes', async () => {
    const c = clock();
    const t = await login(c, 'hash');
    const dump = JSON.stringify([await h.db.select().from(oauthAccessTokens), await h.db.select().from(oauthRefreshTokens)]);
    assert.ok(!dump.includes(t.access_token) && !dump.includes(t.refresh_token));
  });

  test('refresh rotates: a new refresh_token every time; the old one stops working', async () => {
    const c = clock();
    const t = await login(c, 'rot');
    c.advance(3000);
    const wider = await handleToken(form('/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: t.refresh_token, scope: 'openid admin' }), { db: h.db, cfg, now: c.now });
    assert.equal((await wider.json()).error, 'invalid_scope', 'a refresh cannot widen the scope (and does not burn the token)');
    const r1 = await refresh(c, t.refresh_token);
    assert.equal(r1.status, 200);
    assert.match(String(r1.body.refresh_token), /^bmrt_/);
    assert.notEqual(r1.body.refresh_token, t.refresh_token);
    assert.notEqual(r1.body.access_token, t.access_token);
    assert.equal(r1.body.expires_in, 3600);
    const r2 = await refresh(c, String(r1.body.refresh_token));
    assert.equal(r2.status, 200);
    assert.ok(r2.body.refresh_token);
    assert.equal((await refresh(c, String(r2.body.refresh_token), 'client_01K6KWQPW6J1M8VV7R3TZP5A6M')).body.error, 'invalid_grant', 'bound to its client');
  });

  test('reuse of a rotated refresh token revokes the whole family, with an audit event', async () => {
    const c = clock();
    const t = await login(c, 'reuse');
    const r1 = await refresh(c, t.refresh_token);
    assert.equal(r1.status, 200);
    const replay = await refresh(c, t.refresh_token);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    // Every token of the family is dead now: the rotated-in refresh token and both access tokens.
    assert.equal((await refresh(c, String(r1.body.refresh_token))).body.error, 'invalid_grant');
    assert.equal(await principalFromAccessToken(h.db, String(r1.body.access_token), c.now()), null);
    assert.equal(await principalFromAccessToken(h.db, t.access_token, c.now()), null);
    const [s] = await h.db.select().from(cliSessions).where(eq(cliSessions.userId, t.userId));
    assert.equal(s.revokedReason, 'refresh_token_reuse');
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, t.userId));
    assert.ok(events.some((e) => e.action === 'oauth.refresh_token.reuse_detected'));
  });

  test('refresh tokens expire', async () => {
    const c = clock();
    const t = await login(c, 'rexp');
    c.advance(cfg.refreshTokenTtlSeconds + 1);
    assert.equal((await refresh(c, t.refresh_token)).body.error, 'invalid_grant');
  });

  test('guard: a Bearer token resolves to user + tenant + scopes; expiry and revocation take effect on the next request', async () => {
    const c = clock();
    const t = await login(c, 'guard');
    const p = await resolvePrincipalWith(bearer(t.access_token), { db: h.db, getSessionUserId: noSession, now: c.now() });
    assert.ok(p);
    assert.equal(p.via, 'token');
    assert.equal(p.user.id, t.userId);
    assert.equal(p.tenant?.id, t.tenantId);
    assert.deepEqual(p.scopes, ['openid', 'profile', 'email', 'offline_access']);
    assert.ok(p.sessionId);
    // expired
    c.advance(3601);
    await assert.rejects(resolvePrincipalWith(bearer(t.access_token), { db: h.db, getSessionUserId: noSession, now: c.now() }),
      (e: unknown) => e instanceof HttpError && e.status === 401);
    // a fresh token, then revoke its session
    const r = await refresh(c, t.refresh_token);
    const fresh = String(r.body.access_token);
    assert.ok(await resolvePrincipalWith(bearer(fresh), { db: h.db, getSessionUserId: noSession, now: c.now() }));
    assert.ok(await revokeSession(h.db, p.sessionId!, { reason: 'user_revoked', actorUserId: t.userId, ownerUserId: t.userId }, ctx, c.now()));
    await assert.rejects(resolvePrincipalWith(bearer(fresh), { db: h.db, getSessionUserId: noSession, now: c.now() }));
    assert.equal((await refresh(c, String(r.body.refresh_token))).body.error, 'invalid_grant');
  });

  test('cached principals: revocation reaches the next request on this instance at once and on another via NOTIFY; racing lookups are not kept', async () => {
    const c = clock();
    const t = await login(c, 'cache');
    // Instance A = this process's cache (listening on h); instance B = its own cache and listening connection.
    await watchCliSessionRevocations(h);
    const cacheA = processAccessTokenCache(60_000)!;
    assert.ok(cacheA, 'the process cache is on once it listens');
    const hB = await openDatabase({ url: h.url!, max: 1 });
    const cacheB = new AccessTokenCache(60_000);
    let notified = 0;
    await hB.listen(CLI_SESSION_REVOKED_CHANNEL, () => { notified++; cacheB.clear(); }, () => cacheB.clear());
    try {
      const viaA = () => resolvePrincipalWith(bearer(t.access_token), { db: h.db, getSessionUserId: noSession, now: c.now(), tokenCache: cacheA });
      const viaB = () => resolvePrincipalWith(bearer(t.access_token), { db: hB.db, getSessionUserId: noSession, now: c.now(), tokenCache: cacheB });
      const pa = await viaA();
      assert.equal((await viaB())?.user.id, t.userId);
      // Served from memory now: a row changed behind the cache's back is not seen (that is what is cached).
      await h.db.update(oauthAccessTokens).set({ tokenHash: 'moved' }).where(eq(oauthAccessTokens.sessionId, pa!.sessionId!));
      assert.ok(await viaA());
      assert.ok(await viaB());
      // The token's own expiry is still checked on a hit.
      c.advance(3601); // past the 1 h access-token lifetime
      await assert.rejects(viaA(), (e: unknown) => e instanceof HttpError && e.status === 401);
      c.advance(-3601);
      await h.db.update(oauthAccessTokens).set({ tokenHash: hashSecret(t.access_token) }).where(eq(oauthAccessTokens.sessionId, pa!.sessionId!));
      assert.ok(await viaA());
      assert.ok(await revokeSession(h.db, pa!.sessionId!, { reason: 'user_revoked', actorUserId: t.userId, ownerUserId: t.userId }, ctx, c.now()));
      await assert.rejects(viaA(), (e: unknown) => e instanceof HttpError && e.status === 401, 'this instance: the very next request');
      for (let i = 0; i < 100 && notified === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(notified, 1, 'the other instance was notified');
      await assert.rejects(viaB(), (e: unknown) => e instanceof HttpError && e.status === 401, 'the other instance: its next request');
    } finally {
      await hB.close();
    }
    // A lookup that started before a revocation is not stored.
    const cache = new AccessTokenCache(60_000);
    const epoch = cache.beginLookup();
    cache.clear();
    cache.set('h', { principal: {} as never, tokenExpiresAt: Date.now() + 60_000, lastTouchedAt: 0 }, epoch, Date.now());
    assert.equal(cache.get('h', Date.now()), null);
    assert.equal(cache.size, 0, 'nothing stored');
    // TTL 0 is "off": nothing is ever stored.
    const off = new AccessTokenCache(0);
    off.set('h', { principal: {} as never, tokenExpiresAt: Date.now() + 60_000, lastTouchedAt: 0 }, off.beginLookup(), Date.now());
    assert.equal(off.size, 0);
  });

  test('guard: another user cannot revoke my session; revoke-all kills every session of the user only', async () => {
    const c = clock();
    const a1 = await login(c, 'ra');
    const other = await makeAccount(h.db, 'rb');
    const pa = await principalFromAccessToken(h.db, a1.access_token, c.now());
    assert.equal(await revokeSession(h.db, pa!.sessionId!, { reason: 'x', actorUserId: other.userId, ownerUserId: other.userId }, ctx, c.now()), false);
    assert.ok(await principalFromAccessToken(h.db, a1.access_token, c.now()));
    const b1 = await login(c, 'rc');
    assert.equal(await revokeAllSessions(h.db, a1.userId, ctx, c.now()), 1);
    assert.equal(await principalFromAccessToken(h.db, a1.access_token, c.now()), null);
    assert.ok(await principalFromAccessToken(h.db, b1.access_token, c.now()), 'other users untouched');
  });

  test('guard: no credentials → null; malformed or unknown Bearer → 401 invalid_token (never falls back to the cookie)', async () => {
    const c = clock();
    const acct = await makeAccount(h.db, 'sess');
    const withSession = async () => acct.userId;
    assert.equal(await resolvePrincipalWith(new Request(BASE + '/api/me'), { db: h.db, getSessionUserId: noSession, now: c.now() }), null);
    const s = await resolvePrincipalWith(new Request(BASE + '/api/me'), { db: h.db, getSessionUserId: withSession, now: c.now() });
    assert.equal(s?.via, 'session');
    assert.equal(s?.tenant?.id, acct.tenantId);
    for (const header of ['Bearer bmat_unknown', 'Basic abc', 'Bearer', 'Bearer a b']) {
      await assert.rejects(
        resolvePrincipalWith(new Request(BASE + '/api/me', { headers: { authorization: header } }), { db: h.db, getSessionUserId: withSession, now: c.now() }),
        (e: unknown) => e instanceof HttpError && e.status === 401 && String((e.headers as Record<string, string>)['www-authenticate']).startsWith('Bearer'),
        header,
      );
    }
  });

  test('apiRoute: uniform 401 JSON + WWW-Authenticate; cookie sessions need same Origin on unsafe methods, tokens do not', async () => {
    const c = clock();
    const t = await login(c, 'wp');
    const anon = apiRoute({ deps: { db: h.db, getSessionUserId: noSession, now: c.now() } }, async () => ({}));
    const r401 = await anon(new Request(BASE + '/api/me'), {});
    assert.equal(r401.status, 401);
    assert.match(r401.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal(typeof (await r401.json()).detail, 'string');
    const sess = apiRoute({ deps: { db: h.db, getSessionUserId: async () => t.userId, now: c.now() } }, async ({ principal: p }) => ({ via: p.via }));
    assert.equal((await sess(new Request(BASE + '/api/x', { method: 'POST' }), {})).status, 403, 'no Origin');
    assert.equal((await sess(new Request(BASE + '/api/x', { method: 'POST', headers: { origin: 'https://evil.example' } }), {})).status, 403);
    assert.equal((await sess(new Request(BASE + '/api/x', { method: 'POST', headers: { origin: BASE } }), {})).status, 200);
    const tok = await sess(new Request(BASE + '/api/x', { method: 'POST', headers: { authorization: `Bearer ${t.access_token}` } }), {});
    assert.equal(tok.status, 200);
    assert.equal((await tok.json()).via, 'token');
  });

  test('revocation endpoint (RFC 7009): revoking the refresh token ends the session; unknown tokens still 200', async () => {
    const c = clock();
    const t = await login(c, 'rev');
    const deps = { db: h.db, cfg, now: c.now };
    const res = await handleRevoke(form('/oauth2/revoke', { token: t.refresh_token, token_type_hint: 'refresh_token', client_id: CLIENT }), deps);
    assert.equal(res.status, 200);
    assert.equal(await principalFromAccessToken(h.db, t.access_token, c.now()), null);
    assert.equal((await handleRevoke(form('/oauth2/revoke', { token: 'bmrt_nope', client_id: CLIENT }), deps)).status, 200);
    const t2 = await login(c, 'rev2');
    assert.equal((await handleRevoke(form('/oauth2/revoke', { token: t2.access_token, client_id: CLIENT }), deps)).status, 200);
    assert.equal((await refresh(c, t2.refresh_token)).body.error, 'invalid_grant', 'revoking the access token ends the family');
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, t.userId));
    assert.ok(events.some((e) => e.action === 'oauth.cli_session.revoke'));
  });

  test('the upstream bm CLI sequence (contract §1.3–1.6): upstream client id, immediate first poll, 5 s polls, refresh without verifier', async () => {
    const c = clock();
    const acct = await makeAccount(h.db, 'upstream');
    const deps = { db: h.db, cfg, now: c.now };
    const UP = 'client_01K6KWQPW6J1M8VV7R3TZP5A6M';
    const p = pkce();
    // §1.3: exactly these four form fields.
    const dres = await handleDeviceAuthorization(form('/oauth2/device_authorization',
      `client_id=${UP}&scope=openid+profile+email+offline_access&code_challenge=${p.challenge}&code_challenge_method=S256`), deps);
    assert.equal(dres.status, 200);
    const d = await dres.json();
    for (const k of ['device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'interval', 'expires_in']) assert.ok(k in d, k);
    // §1.4: first poll immediately, then sleep(interval) between polls; only `error` is read.
    const poll = async () => (await (await handleToken(form('/oauth2/token', { client_id: UP, device_code: d.device_code, grant_type: DEVICE_GRANT_TYPE, code_verifier: p.verifier }), deps)).json());
    assert.equal((await poll()).error, 'authorization_pending');
    for (let i = 0; i < 3; i++) { c.advance(d.interval); assert.equal((await poll()).error, 'authorization_pending'); }
    const e = await enterUserCode(h.db, { userCode: d.user_code, userId: acct.userId }, cfg, ctx, c.now());
    assert.ok(e.ok);
    await decideDeviceGrant(h.db, { grantId: e.grant.id, userId: acct.userId, decision: 'approve' }, ctx, c.now());
    c.advance(d.interval);
    const t = await poll();
    assert.ok(t.access_token && t.refresh_token && t.expires_in && t.token_type === 'Bearer');
    // §1.6: refresh with client_id, grant_type, refresh_token only; the response carries a refresh_token.
    const r = await handleToken(form('/oauth2/token', { client_id: UP, grant_type: 'refresh_token', refresh_token: t.refresh_token }), deps);
    assert.equal(r.status, 200);
    const rb = await r.json();
    assert.match(rb.refresh_token, /^bmrt_/);
    assert.ok(await principalFromAccessToken(h.db, rb.access_token, c.now()));
  });

  test('metadata (RFC 8414) lists the device endpoint, S256 and the grants', () => {
    const m = authorizationServerMetadata(cfg);
    assert.equal(m.issuer, BASE);
    assert.equal(m.device_authorization_endpoint, `${BASE}/oauth2/device_authorization`);
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    assert.ok((m.grant_types_supported as string[]).includes(DEVICE_GRANT_TYPE));
  });
});

describe('housekeeping', () => {
  test('pruneOAuthState forgets only what expired more than a day ago', async () => {
    const h = await freshDatabase('postgres');
    try {
      const { pruneOAuthState } = await import('../../lib/db/queries/oauth.ts');
      const { deviceGrants, rateLimitCounters } = await import('../../lib/db/schema.ts');
      const c = clock();
      const cfg = testConfig();
      const mk = () => handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: CLIENT, code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { db: h.db, cfg, now: c.now });
      await mk();
      // One request charges several issuance budgets (address, network, client…): one counter row per key.
      const perRequest = (await h.db.select().from(rateLimitCounters)).length;
      assert.ok(perRequest >= 1);
      c.advance(cfg.deviceCodeTtlSeconds + 86_400 + 1);
      await mk();
      await pruneOAuthState(h.db, c.now());
      assert.equal((await h.db.select().from(deviceGrants)).length, 1);
      assert.equal((await h.db.select().from(rateLimitCounters)).length, perRequest, 'only the fresh counters stay');
    } finally { await h.close(); }
  });
});
