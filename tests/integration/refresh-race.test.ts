// Concurrent refreshes with one refresh token: exactly one wins, every other answer is invalid_grant
// (never a 5xx from a lock-order deadlock), and the reuse still revokes the whole family.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { clock, form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import { handleDeviceAuthorization, handleToken } from '../../lib/auth/oauth-http.ts';
import { DEVICE_GRANT_TYPE, decideDeviceGrant, enterUserCode } from '../../lib/auth/device-grant.ts';
import { principalFromAccessToken } from '../../lib/auth/principal.ts';
import { cliSessions } from '../../lib/db/schema.ts';

const CLIENT = 'bmc-cli';
const ctx = { ip: '198.51.100.9', userAgent: 'browser' };
const ROUNDS = 20;
const RACERS = 24;

describe('concurrent refreshes of one token (postgres)', () => {
  let h: TestDatabase;
  const cfg = testConfig();
  before(async () => { h = await freshDatabase('postgres'); });
  after(async () => { await h?.close(); });

  async function login(c: ReturnType<typeof clock>, label: string) {
    const acct = await makeAccount(h.db, label);
    const p = pkce();
    const deps = { db: h.db, cfg, now: c.now };
    const d = await (await handleDeviceAuthorization(form('/oauth2/device_authorization', {
      client_id: CLIENT, scope: 'openid profile email offline_access', code_challenge: p.challenge, code_challenge_method: 'S256',
    }), deps)).json();
    const e = await enterUserCode(h.db, { userCode: d.user_code, userId: acct.userId }, cfg, ctx, c.now());
    assert.ok(e.ok);
    await decideDeviceGrant(h.db, { grantId: e.grant.id, userId: acct.userId, decision: 'approve' }, ctx, c.now());
    const res = await handleToken(form('/oauth2/token', { grant_type: DEVICE_GRANT_TYPE, client_id: CLIENT, device_code: d.device_code, code_verifier: p.verifier }), deps);
    assert.equal(res.status, 200);
    return { ...acct, ...(await res.json() as { access_token: string; refresh_token: string }) };
  }

  test(`${RACERS} racing refreshes, ${ROUNDS} rounds: one 200, the rest 400 invalid_grant, family revoked`, async () => {
    const c = clock();
    for (let round = 0; round < ROUNDS; round++) {
      const t = await login(c, `race${round}`);
      const answers = await Promise.all(Array.from({ length: RACERS }, async () => {
        const res = await handleToken(form('/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: t.refresh_token }), { db: h.db, cfg, now: c.now });
        return { status: res.status, body: await res.json() as Record<string, string> };
      }));
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: exactly one winner, got ${statuses.join(',')}`);
      for (const a of answers.filter((x) => x.status !== 200)) {
        assert.equal(a.status, 400, `round ${round}: ${JSON.stringify(a.body)}`);
        assert.equal(a.body.error, 'invalid_grant');
      }
      // The losers were reuses: the family (including the winner's new pair) is revoked.
      const winner = answers.find((a) => a.status === 200)!.body;
      assert.equal(await principalFromAccessToken(h.db, winner.access_token, c.now()), null, `round ${round}: winner's token revoked by the reuse`);
      const [s] = await h.db.select().from(cliSessions).where(eq(cliSessions.userId, t.userId));
      assert.equal(s.revokedReason, 'refresh_token_reuse');
    }
  });

  test('CLI sessions end: idle past the idle lifetime, or past the absolute lifetime, refresh answers invalid_grant', async () => {
    // Refresh tokens that would live longer than either limit, so the session limits are what bite.
    const long = testConfig({ OAUTH_REFRESH_TOKEN_TTL_SECONDS: String(200 * 86_400), OAUTH_CLI_SESSION_MAX_AGE_SECONDS: String(90 * 86_400), OAUTH_CLI_SESSION_IDLE_SECONDS: String(30 * 86_400) });
    const refresh = async (c: ReturnType<typeof clock>, token: string) => {
      const res = await handleToken(form('/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: token }), { db: h.db, cfg: long, now: c.now });
      return { status: res.status, body: await res.json() as Record<string, string> };
    };
    // Idle: 29 days between refreshes keeps it alive; 30 days of silence ends it.
    const c = clock();
    const t = await login(c, 'idle');
    c.advance(29 * 86_400);
    const r1 = await refresh(c, t.refresh_token);
    assert.equal(r1.status, 200, 'used within the idle lifetime');
    c.advance(30 * 86_400);
    const r2 = await refresh(c, r1.body.refresh_token);
    assert.equal(r2.status, 400);
    assert.equal(r2.body.error, 'invalid_grant');
    assert.match(r2.body.error_description, /idle/);
    const [s] = await h.db.select().from(cliSessions).where(eq(cliSessions.userId, t.userId));
    assert.equal(s.revokedReason, 'idle_timeout');

    // Absolute: refreshed every 20 days (never idle), it still ends 90 days after sign-in.
    const c2 = clock();
    const t2 = await login(c2, 'abs');
    let rt = t2.refresh_token;
    for (let day = 20; day < 90; day += 20) {
      c2.advance(20 * 86_400);
      const r = await refresh(c2, rt);
      assert.equal(r.status, 200, `day ${day}`);
      rt = r.body.refresh_token;
    }
    c2.advance(11 * 86_400); // day 91
    const end = await refresh(c2, rt);
    assert.equal(end.body.error, 'invalid_grant');
    const [s2] = await h.db.select().from(cliSessions).where(eq(cliSessions.userId, t2.userId));
    assert.ok(s2.revokedAt, 'the session is ended, not just refused');

    // The defaults are the documented ones.
    assert.equal(testConfig().cliSessionMaxAgeSeconds, 90 * 86_400);
    assert.equal(testConfig().cliSessionIdleSeconds, 30 * 86_400);
  });
});
