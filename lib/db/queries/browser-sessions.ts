// Data access for server-side browser sessions (one row per sign-in; the session cookie carries the id).
import { and, desc, eq, isNull, lte, ne, } from 'drizzle-orm';
import type { Queryable } from '../queryable.ts';
import { browserSessions, type BrowserSession } from '../schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function insertBrowserSession(
  db: Queryable, s: { userId: string; ip: string | null; userAgent: string | null; now: Date },
): Promise<BrowserSession> {
  const [row] = await db.insert(browserSessions)
    .values({ userId: s.userId, ip: s.ip, userAgent: s.userAgent?.slice(0, 512) ?? null, createdAt: s.now, lastSeenAt: s.now })
    .returning();
  return row;
}

export async function findBrowserSession(db: Queryable, id: string): Promise<BrowserSession | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db.select().from(browserSessions).where(eq(browserSessions.id, id));
  return row ?? null;
}

/** Records activity, at most once a minute per session. */
export async function touchBrowserSession(db: Queryable, id: string, ip: string | null, now: Date): Promise<void> {
  const floor = new Date(now.getTime() - 60_000);
  await db.update(browserSessions).set({ lastSeenAt: now, ip })
    .where(and(eq(browserSessions.id, id), isNull(browserSessions.revokedAt), lte(browserSessions.lastSeenAt, floor)));
}

/** Ends one live session (of `userId`, when given). Returns it if it was live. */
export async function revokeBrowserSession(
  db: Queryable, id: string, reason: string, now: Date, userId?: string,
): Promise<BrowserSession | null> {
  if (!UUID.test(id)) return null;
  const rows = await db.update(browserSessions).set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(browserSessions.id, id), isNull(browserSessions.revokedAt), userId ? eq(browserSessions.userId, userId) : undefined))
    .returning();
  return rows[0] ?? null;
}

/** Ends every live session of the user except `keepId`. */
export async function revokeOtherBrowserSessions(db: Queryable, userId: string, keepId: string | null, reason: string, now: Date): Promise<BrowserSession[]> {
  return db.update(browserSessions).set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(browserSessions.userId, userId), isNull(browserSessions.revokedAt), keepId ? ne(browserSessions.id, keepId) : undefined))
    .returning();
}

/** The user's live sessions (not revoked, seen within `idleSeconds`), newest first. */
export async function listLiveBrowserSessions(db: Queryable, userId: string, now: Date, idleSeconds: number): Promise<BrowserSession[]> {
  const floor = new Date(now.getTime() - idleSeconds * 1000);
  const rows = await db.select().from(browserSessions)
    .where(and(eq(browserSessions.userId, userId), isNull(browserSessions.revokedAt)))
    .orderBy(desc(browserSessions.lastSeenAt));
  return rows.filter((r) => r.lastSeenAt > floor);
}
