// Server-side browser sessions. next-auth keeps its JWT cookie, but the JWT only names a row of
// `browser_sessions`; every session check (pages, /api, /proxy with a cookie, /device) needs that row
// live. So signing out, or ending a session on /sessions, makes every copy of that cookie worthless,
// and each sign-in gets a fresh id. The check is one primary-key read; the "last seen" write is
// throttled to once a minute per session.
import { getConfig, type AppConfig } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import type { BrowserSession } from '../db/schema.ts';
import * as q from '../db/queries/browser-sessions.ts';
import { insertAuditEvent } from '../db/queries/oauth.ts';
import type { RequestContext } from './tokens.ts';

/** Idle and absolute lifetimes (settings BROWSER_SESSION_IDLE_SECONDS, BROWSER_SESSION_MAX_AGE_SECONDS). */
export type BrowserSessionLifetimes = AppConfig['browserSession'];
const configured = (): BrowserSessionLifetimes => getConfig().app.browserSession;

/** Thrown from the JWT callback when the cookie names a session that has ended: next-auth drops the cookie. */
export class BrowserSessionEndedError extends Error {
  constructor() { super('browser session ended'); this.name = 'BrowserSessionEndedError'; }
}

function isBrowserSessionLive(s: Pick<BrowserSession, 'revokedAt' | 'createdAt' | 'lastSeenAt'>, now: Date,
  lifetimes: BrowserSessionLifetimes = configured()): boolean {
  const t = now.getTime();
  return !s.revokedAt
    && t - s.createdAt.getTime() < lifetimes.maxAgeSeconds * 1000
    && t - s.lastSeenAt.getTime() < lifetimes.idleSeconds * 1000;
}

/**
 * A sign-in: a new session row (a new id every time). The session this browser held before, if
 * any, ends here, so a cookie planted or copied before the sign-in is not carried over.
 */
export async function startBrowserSession(
  db: Database, input: { userId: string; previousSessionId?: string | null }, ctx: RequestContext, now: Date,
): Promise<BrowserSession> {
  return db.transaction(async (tx) => {
    if (input.previousSessionId) await q.revokeBrowserSession(tx, input.previousSessionId, 'replaced_by_sign_in', now);
    return q.insertBrowserSession(tx, { userId: input.userId, ip: ctx.ip, userAgent: ctx.userAgent, now });
  });
}

/** Whether the cookie's session is live for this user; records activity (throttled). */
export async function checkBrowserSession(
  db: Database, input: { sessionId: string; userId: string }, ip: string | null, now: Date,
  lifetimes: BrowserSessionLifetimes = configured(),
): Promise<boolean> {
  const s = await q.findBrowserSession(db, input.sessionId);
  if (!s || s.userId !== input.userId || !isBrowserSessionLive(s, now, lifetimes)) return false;
  if (now.getTime() - s.lastSeenAt.getTime() >= 60_000) await q.touchBrowserSession(db, s.id, ip, now);
  return true;
}

/** Ends one session of `userId` (sign-out, or "end" on /sessions), with an audit event. */
export async function endBrowserSession(
  db: Database, input: { sessionId: string; userId: string; reason: 'signed_out' | 'ended_by_user' }, ctx: RequestContext, now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const s = await q.revokeBrowserSession(tx, input.sessionId, input.reason, now, input.userId);
    if (!s) return false;
    await insertAuditEvent(tx, {
      action: input.reason === 'signed_out' ? 'auth.signed_out' : 'auth.browser_session.end', actorUserId: input.userId,
      target: `browser_session:${s.id}`, ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { reason: input.reason },
    });
    return true;
  });
}

/** Ends every other session of the user (keeps `keepSessionId`). Returns how many ended. */
export async function endOtherBrowserSessions(
  db: Database, input: { userId: string; keepSessionId: string | null }, ctx: RequestContext, now: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await q.revokeOtherBrowserSessions(tx, input.userId, input.keepSessionId, 'ended_by_user', now);
    if (rows.length) {
      await insertAuditEvent(tx, {
        action: 'auth.browser_session.end_others', actorUserId: input.userId, target: `user:${input.userId}`,
        ip: ctx.ip, userAgent: ctx.userAgent, at: now, metadata: { count: rows.length, sessions: rows.map((r) => r.id) },
      });
    }
    return rows.length;
  });
}

export interface BrowserSessionDto {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

function browserSessionDto(s: BrowserSession, currentId: string | null): BrowserSessionDto {
  return {
    id: s.id, createdAt: s.createdAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString(),
    ip: s.ip, userAgent: s.userAgent, current: s.id === currentId,
  };
}

export async function listBrowserSessions(db: Database, userId: string, currentId: string | null, now: Date,
  lifetimes: BrowserSessionLifetimes = configured()): Promise<BrowserSessionDto[]> {
  const rows = (await q.listLiveBrowserSessions(db, userId, now, lifetimes.idleSeconds)).filter((r) => isBrowserSessionLive(r, now, lifetimes));
  return rows.map((r) => browserSessionDto(r, currentId));
}
