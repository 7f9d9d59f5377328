// Fixed-window rate limits kept in Postgres, so they hold across every app instance sharing the
// database. One row per key; one atomic upsert per hit. Time is passed in (tests never sleep).
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { rateLimitCounters } from '../db/schema.ts';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  /** True while the count (including this hit) is within the limit. */
  allowed: boolean;
  count: number;
  /** Whole seconds until the current window ends (≥ 1). */
  retryAfterSeconds: number;
}

function retryAfter(windowStart: Date, windowSeconds: number, now: Date): number {
  const ms = windowStart.getTime() + windowSeconds * 1000 - now.getTime();
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Counts one event (or `by` events) against `key` and says whether it is still within the limit. */
export async function hitRateLimit(db: Database, key: string, rule: RateLimit, now: Date, by = 1): Promise<RateLimitResult> {
  const windowFloor = new Date(now.getTime() - rule.windowSeconds * 1000);
  const expired = sql`${rateLimitCounters.windowStart} <= ${windowFloor.toISOString()}::timestamptz`;
  const [row] = await db.insert(rateLimitCounters)
    .values({ key, windowStart: now, count: by })
    .onConflictDoUpdate({
      target: rateLimitCounters.key,
      set: {
        count: sql`case when ${expired} then ${by} else ${rateLimitCounters.count} + ${by} end`,
        windowStart: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${rateLimitCounters.windowStart} end`,
      },
    })
    .returning({ count: rateLimitCounters.count, windowStart: rateLimitCounters.windowStart });
  return { allowed: row.count <= rule.limit, count: row.count, retryAfterSeconds: retryAfter(row.windowStart, rule.windowSeconds, now) };
}

/**
 * Gives back `by` events counted in the current window (never below 0; nothing if the window has
 * since rolled over). For "count first, then decide": attempts that turn out not to count.
 */
export async function refundRateLimit(db: Database, key: string, rule: RateLimit, now: Date, by = 1): Promise<void> {
  const windowFloor = new Date(now.getTime() - rule.windowSeconds * 1000);
  await db.update(rateLimitCounters)
    .set({ count: sql`greatest(${rateLimitCounters.count} - ${by}, 0)` })
    .where(sql`${rateLimitCounters.key} = ${key} and ${rateLimitCounters.windowStart} > ${windowFloor.toISOString()}::timestamptz`);
}
