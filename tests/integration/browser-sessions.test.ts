// Server-side browser sessions against real Postgres: a new id per sign-in, ending a session (sign-out
// or from another browser) makes its cookie's id dead, only the owner can end theirs, idle/age limits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { makeAccount } from '../helpers/oauth-fixtures.ts';
import {
  checkBrowserSession, endBrowserSession, endOtherBrowserSessions, listBrowserSessions, startBrowserSession,
} from '../../lib/auth/browser-sessions.ts';
import { getConfig, resetConfigForTests } from '../../lib/config/index.ts';
import { auditEvents, browserSessions } from '../../lib/db/schema.ts';

const ctx = { ip: '198.51.100.20', userAgent: 'Mozilla/5.0 test' };
const T0 = Date.parse('2026-11-21T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

const SETTINGS = ['BMC_DATA_DIR', 'AUTH_SECRET', 'BROWSER_SESSION_IDLE_SECONDS', 'BROWSER_SESSION_MAX_AGE_SECONDS'] as const;
const savedEnv = Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]]));
/** The process settings the session checks read (getConfig), with `extra` on top of a throwaway data dir. */
function useSettings(extra: Partial<Record<(typeof SETTINGS)[number], string>> = {}): void {
  for (const k of SETTINGS) delete process.env[k];
  process.env.BMC_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-bs-'));
  process.env.AUTH_SECRET = 'test-auth-secret-0123456789abcdef0123456789';
  Object.assign(process.env, extra);
  resetConfigForTests();
}

describe('browser sessions (postgres)', () => {
  let h: TestDatabase;
  before(async () => { useSettings(); h = await freshDatabase('postgres'); });
  after(async () => {
    await h?.close();
    for (const k of SETTINGS) { if (savedEnv[k] === undefined) delete process.env[k]; else process.env[k] = savedEnv[k]; }
    resetConfigForTests();
  });

  test('each sign-in gets a new id; the session the browser had before ends', async () => {
    const a = await makeAccount(h.db, 'bs1');
    const s1 = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
    const s2 = await startBrowserSession(h.db, { userId: a.userId, previousSessionId: s1.id }, ctx, at(1));
    assert.notEqual(s1.id, s2.id);
    assert.equal(await checkBrowserSession(h.db, { sessionId: s1.id, userId: a.userId }, null, at(2)), false, 'the pre-sign-in cookie is dead');
    assert.equal(await checkBrowserSession(h.db, { sessionId: s2.id, userId: a.userId }, null, at(2)), true);
  });

  test('sign-out ends the session: the id (any copy of the cookie) is refused afterwards', async () => {
    const a = await makeAccount(h.db, 'bs2');
    const s = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, null, at(5)), true);
    assert.equal(await endBrowserSession(h.db, { sessionId: s.id, userId: a.userId, reason: 'signed_out' }, ctx, at(6)), true);
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, null, at(7)), false);
    assert.equal(await endBrowserSession(h.db, { sessionId: s.id, userId: a.userId, reason: 'signed_out' }, ctx, at(8)), false, 'once');
    const ev = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, a.userId));
    assert.ok(ev.some((e) => e.action === 'auth.signed_out' && e.target === `browser_session:${s.id}`));
  });

  test("a session id is bound to its user; nobody ends another person's session", async () => {
    const a = await makeAccount(h.db, 'bs3');
    const b = await makeAccount(h.db, 'bs3b');
    const s = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: b.userId }, null, at(1)), false, 'a JWT naming another user');
    assert.equal(await endBrowserSession(h.db, { sessionId: s.id, userId: b.userId, reason: 'ended_by_user' }, ctx, at(1)), false);
    assert.equal(await endOtherBrowserSessions(h.db, { userId: b.userId, keepSessionId: null }, ctx, at(1)), 0);
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, null, at(2)), true);
    for (const bad of ['', 'x', "' or 1=1 --", '00000000-0000-0000-0000-000000000000']) {
      assert.equal(await checkBrowserSession(h.db, { sessionId: bad, userId: a.userId }, null, at(2)), false, bad);
    }
  });

  test('end all others keeps this browser; the list marks it and hides ended ones', async () => {
    const a = await makeAccount(h.db, 'bs4');
    const mine = await startBrowserSession(h.db, { userId: a.userId }, { ip: '203.0.113.1', userAgent: 'laptop' }, at(0));
    const phone = await startBrowserSession(h.db, { userId: a.userId }, { ip: '203.0.113.2', userAgent: 'phone' }, at(1));
    const tablet = await startBrowserSession(h.db, { userId: a.userId }, { ip: '203.0.113.3', userAgent: 'tablet' }, at(2));
    const list = await listBrowserSessions(h.db, a.userId, mine.id, at(3));
    assert.equal(list.length, 3);
    assert.deepEqual(list.filter((s) => s.current).map((s) => s.id), [mine.id]);
    assert.equal(await endOtherBrowserSessions(h.db, { userId: a.userId, keepSessionId: mine.id }, ctx, at(4)), 2);
    for (const s of [phone, tablet]) assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, null, at(5)), false);
    assert.equal(await checkBrowserSession(h.db, { sessionId: mine.id, userId: a.userId }, null, at(5)), true);
    assert.deepEqual((await listBrowserSessions(h.db, a.userId, mine.id, at(6))).map((s) => s.id), [mine.id]);
  });

  test('idle and absolute limits; last-seen writes are throttled to once a minute', async () => {
    const a = await makeAccount(h.db, 'bs5');
    const s = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, '203.0.113.9', at(30)), true);
    let [row] = await h.db.select().from(browserSessions).where(eq(browserSessions.id, s.id));
    assert.equal(row.lastSeenAt.getTime(), at(0).getTime(), 'no write within the minute');
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, '203.0.113.9', at(61)), true);
    [row] = await h.db.select().from(browserSessions).where(eq(browserSessions.id, s.id));
    assert.equal(row.lastSeenAt.getTime(), at(61).getTime());
    assert.equal(row.ip, '203.0.113.9');
    const { idleSeconds: BROWSER_SESSION_IDLE_SECONDS, maxAgeSeconds: BROWSER_SESSION_MAX_AGE_SECONDS } = getConfig().app.browserSession;
    assert.deepEqual([BROWSER_SESSION_IDLE_SECONDS, BROWSER_SESSION_MAX_AGE_SECONDS], [7 * 86_400, 30 * 86_400], 'the defaults');
    // Idle: unused for the idle lifetime → over.
    assert.equal(await checkBrowserSession(h.db, { sessionId: s.id, userId: a.userId }, null, at(61 + BROWSER_SESSION_IDLE_SECONDS)), false);
    // Absolute: used every day, still over after the maximum age.
    const busy = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
    let t = 0;
    while (t + 86_400 < BROWSER_SESSION_MAX_AGE_SECONDS) {
      t += 86_400;
      assert.equal(await checkBrowserSession(h.db, { sessionId: busy.id, userId: a.userId }, null, at(t)), true, `day ${t / 86_400}`);
    }
    assert.equal(await checkBrowserSession(h.db, { sessionId: busy.id, userId: a.userId }, null, at(BROWSER_SESSION_MAX_AGE_SECONDS)), false);
  });

  test('the lifetimes are settings: BROWSER_SESSION_IDLE_SECONDS and BROWSER_SESSION_MAX_AGE_SECONDS take effect', async () => {
    useSettings({ BROWSER_SESSION_IDLE_SECONDS: '600', BROWSER_SESSION_MAX_AGE_SECONDS: '3600' });
    try {
      const a = await makeAccount(h.db, 'bs-settings');
      const check = (id: string, s: number) => checkBrowserSession(h.db, { sessionId: id, userId: a.userId }, null, at(s));
      // idle: 10 minutes unused ends it (the default, 7 days, would not)
      const idle = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
      assert.equal(await check(idle.id, 599), true);
      assert.equal(await check(idle.id, 599 + 600), false, 'unused for BROWSER_SESSION_IDLE_SECONDS: over');
      // absolute: used every 5 minutes, still over one hour after sign-in (the default, 30 days, would not)
      const busy = await startBrowserSession(h.db, { userId: a.userId }, ctx, at(0));
      for (let t = 300; t < 3600; t += 300) assert.equal(await check(busy.id, t), true, `after ${t} s`);
      assert.equal(await check(busy.id, 3600), false, 'BROWSER_SESSION_MAX_AGE_SECONDS after sign-in: over');
      assert.deepEqual((await listBrowserSessions(h.db, a.userId, null, at(3600))).map((s) => s.id), [], 'the list agrees');
    } finally { useSettings(); }
  });
});
