// OAuth edges: a device code redeemed twice is audited; every token-endpoint answer is no-store
// (405s included); every error_description is printable ASCII without `"` or `\`; a client that
// skipped PKCE at authorisation but sends a code_verifier is refused (downgrade).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { clock, form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import { handleDeviceAuthorization, handleRevoke, handleToken, oauthMethodNotAllowed } from '../../lib/auth/oauth-http.ts';
import { DEVICE_GRANT_TYPE, decideDeviceGrant, enterUserCode } from '../../lib/auth/device-grant.ts';
import { auditEvents } from '../../lib/db/schema.ts';

const CLIENT = 'bmc-cli';
const ctx = { ip: '198.51.100.9', userAgent: 'browser' };
const RFC6749_DESCRIPTION = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

function assertNoStore(res: Response, what: string) {
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: Cache-Control`);
  assert.equal(res.headers.get('pragma'), 'no-cache', `${what}: Pragma`);
}

describe('OAuth edges (postgres)', () => {
  let h: TestDatabase;
  const cfg = testConfig({ OAUTH_EXTRA_CLIENT_IDS: 'plain-client', OAUTH_EXTRA_CLIENTS_REQUIRE_PKCE: 'false' });
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h?.close(); });

  async function approvedGrant(c: ReturnType<typeof clock>, label: string, opts: { clientId?: string; withPkce?: boolean } = {}) {
    const acct = await makeAccount(h.db, label);
    const clientId = opts.clientId ?? CLIENT;
    const p = pkce();
    const params: Record<string, string> = { client_id: clientId, scope: 'openid offline_access' };
    if (opts.withPkce !== false) Object.assign(params, { code_challenge: p.challenge, code_challenge_method: 'S256' });
    const res = await handleDeviceAuthorization(form('/oauth2/device_authorization', params), { db: h.db, cfg, now: c.now });
    assert.equal(res.status, 200);
    const d = await res.json() as { device_code: string; user_code: string };
    return {
      acct, p, d, clientId,
      approve: async () => {
        const e = await enterUserCode(h.db, { userCode: d.user_code, userId: acct.userId }, cfg, ctx, c.now());
        assert.ok(e.ok);
        assert.equal(await decideDeviceGrant(h.db, { grantId: e.grant.id, userId: acct.userId, decision: 'approve' }, ctx, c.now()), 'approved');
      },
      poll: (extra: Record<string, string> = {}) => handleToken(form('/oauth2/token', {
        grant_type: DEVICE_GRANT_TYPE, client_id: clientId, device_code: d.device_code, ...extra,
      }), { db: h.db, cfg, now: c.now }),
    };
  }

  test('a device code redeemed twice is an audit event (each replay), and stays invalid_grant', async () => {
    const c = clock();
    const g = await approvedGrant(c, 'replay');
    await g.approve();
    const first = await g.poll({ code_verifier: g.p.verifier });
    assert.equal(first.status, 200);
    for (let i = 1; i <= 2; i++) {
      c.advance(10);
      const again = await g.poll({ code_verifier: g.p.verifier });
      assert.equal(again.status, 400);
      assert.equal((await again.json()).error, 'invalid_grant');
      const events = await h.db.select().from(auditEvents)
        .where(and(eq(auditEvents.action, 'oauth.device.redeem_replayed'), eq(auditEvents.actorUserId, g.acct.userId)));
      assert.equal(events.length, i, `replay ${i} audited`);
    }
    // A stranger's guess at the code (wrong client) is not a replay of this grant.
    const foreign = await handleToken(form('/oauth2/token', { grant_type: DEVICE_GRANT_TYPE, client_id: 'plain-client', device_code: g.d.device_code }), { db: h.db, cfg, now: c.now });
    assert.equal((await foreign.json()).error, 'invalid_grant');
  });

  test('PKCE downgrade: no challenge at authorisation, a code_verifier at the token endpoint → invalid_grant (pending and approved)', async () => {
    const c = clock();
    const g = await approvedGrant(c, 'downgrade', { clientId: 'plain-client', withPkce: false });
    const v = pkce().verifier;
    const pending = await g.poll({ code_verifier: v });
    assert.equal(pending.status, 400);
    const pb = await pending.json();
    assert.equal(pb.error, 'invalid_grant', 'not authorization_pending');
    assert.match(pb.error_description, /code_challenge/);
    await g.approve();
    c.advance(10);
    const approved = await g.poll({ code_verifier: v });
    assert.equal((await approved.json()).error, 'invalid_grant', 'no tokens for a downgrade');
    // Control: the same grant without a verifier (how it was authorised) is redeemed.
    c.advance(10);
    const ok = await g.poll();
    assert.equal(ok.status, 200);
    assert.ok((await ok.json()).access_token);
    // And the other way round is refused too: a PKCE grant without its verifier.
    const g2 = await approvedGrant(c, 'noverifier', { clientId: 'plain-client' });
    await g2.approve();
    c.advance(10);
    assert.equal((await (await g2.poll()).json()).error, 'invalid_grant');
  });

  test('every answer of the token, device and revocation endpoints carries Cache-Control: no-store and Pragma: no-cache', async () => {
    const c = clock();
    const deps = { db: h.db, cfg, now: c.now };
    const g = await approvedGrant(c, 'nostore');
    const answers: Array<[string, Response]> = [
      ['device 200', await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: CLIENT, code_challenge: pkce().challenge, code_challenge_method: 'S256' }), deps)],
      ['device 401', await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: 'nobody' }), deps)],
      ['token pending', await g.poll({ code_verifier: g.p.verifier })],
      ['token slow_down', await g.poll({ code_verifier: g.p.verifier })],
      ['token bad content type', await handleToken(new Request('http://bmc.test/oauth2/token', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), deps)],
      ['token unsupported grant', await handleToken(form('/oauth2/token', { grant_type: 'password', client_id: CLIENT }), deps)],
      ['revoke 200', await handleRevoke(form('/oauth2/revoke', { token: 'bmrt_x', client_id: CLIENT }), deps)],
    ];
    await g.approve();
    c.advance(10);
    answers.push(['token 200', await g.poll({ code_verifier: g.p.verifier })]);
    for (const m of ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      answers.push([`helper ${m}`, await oauthMethodNotAllowed(new Request('http://bmc.test/oauth2/token', { method: m }))]);
    }
    for (const [what, res] of answers) assertNoStore(res, what);
    // The route files answer every other method with it (not Next's bare 405).
    for (const path of ['token', 'device_authorization', 'revoke']) {
      const mod = await import(`../../app/oauth2/${path}/route.ts`) as Record<string, (req: Request) => Promise<Response>>;
      for (const m of ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        assert.equal(typeof mod[m], 'function', `${path} exports ${m}`);
        const res = await mod[m]!(new Request(`http://bmc.test/oauth2/${path}`, { method: m }));
        assert.equal(res.status, m === 'OPTIONS' ? 204 : 405, `${path} ${m}`);
        assertNoStore(res, `${path} ${m}`);
        assert.match(res.headers.get('allow') ?? '', /POST/);
      }
    }
  });

  test('two client-authentication methods in one request are invalid_request 400 (RFC 6749 §2.3), on every endpoint', async () => {
    const c = clock();
    const deps = { db: h.db, cfg, now: c.now };
    const basic = (user: string, pass = '') => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
    const p = pkce();
    const device = { client_id: CLIENT, code_challenge: p.challenge, code_challenge_method: 'S256' };
    const cases: Array<[string, Request, (r: Request) => Promise<Response>]> = [
      ['token: Basic + body client_id (same id)', form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'bmrt_x', client_id: CLIENT }, basic(CLIENT)), (r) => handleToken(r, deps)],
      ['token: Basic + body client_secret', form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'bmrt_x', client_secret: 's' }, basic(CLIENT)), (r) => handleToken(r, deps)],
      ['token: Basic with secret + body client_id and client_secret', form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'bmrt_x', client_id: CLIENT, client_secret: 's' }, basic(CLIENT, 's')), (r) => handleToken(r, deps)],
      ['device: Basic + body client_id', form('/oauth2/device_authorization', device, basic(CLIENT)), (r) => handleDeviceAuthorization(r, deps)],
      ['revoke: Basic + body client_id', form('/oauth2/revoke', { token: 'bmrt_x', client_id: CLIENT }, basic(CLIENT)), (r) => handleRevoke(r, deps)],
    ];
    for (const [what, req, handler] of cases) {
      const res = await handler(req);
      assert.equal(res.status, 400, what);
      assert.equal((await res.json()).error, 'invalid_request', what);
    }
    // One method alone still works: Basic with an empty secret, or client_id in the body.
    assert.equal((await handleDeviceAuthorization(form('/oauth2/device_authorization', { code_challenge: p.challenge, code_challenge_method: 'S256' }, basic(CLIENT)), deps)).status, 200);
    assert.equal((await handleRevoke(form('/oauth2/revoke', { token: 'bmrt_x', client_id: CLIENT }), deps)).status, 200);
  });

  test('every error_description is printable ASCII without " or \\, whatever the client sent', async () => {
    const c = clock();
    const deps = { db: h.db, cfg, now: c.now };
    const hostile = ['a"b', 'c\\d', 'é—ü', 'x\u0000y', '\u202e', 'tab\there', '😀'];
    const bodies: string[] = [];
    for (const name of hostile) {
      // A repeated parameter is named back in the description.
      const enc = encodeURIComponent(name);
      bodies.push(await (await handleToken(form('/oauth2/token', `${enc}=1&${enc}=2&grant_type=x`), deps)).text());
      bodies.push(await (await handleDeviceAuthorization(form('/oauth2/device_authorization', `${enc}=1&${enc}=2`), deps)).text());
      bodies.push(await (await handleToken(form('/oauth2/token', { grant_type: DEVICE_GRANT_TYPE, client_id: CLIENT, device_code: `bmdc_${name}`, code_verifier: name }), deps)).text());
      bodies.push(await (await handleToken(form('/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: name }), deps)).text());
      bodies.push(await (await handleDeviceAuthorization(form('/oauth2/device_authorization', { client_id: CLIENT, scope: name, code_challenge: name, code_challenge_method: name }), deps)).text());
      bodies.push(await (await handleToken(form('/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT }, { authorization: `Basic ${Buffer.from(`${name}:`).toString('base64')}` }), deps)).text());
    }
    // Every message the server can say about a code_verifier (one of them used an en dash).
    bodies.push(await (await handleToken(form('/oauth2/token', { grant_type: DEVICE_GRANT_TYPE, client_id: CLIENT, device_code: 'bmdc_x', code_verifier: 'short' }), deps)).text());
    let checked = 0;
    for (const b of bodies) {
      const j = JSON.parse(b) as { error?: string; error_description?: string };
      assert.ok(j.error, b);
      assert.equal(typeof j.error_description, 'string', b);
      assert.match(j.error_description!, RFC6749_DESCRIPTION, b);
      checked++;
    }
    assert.equal(checked, hostile.length * 6 + 1);
  });
});
