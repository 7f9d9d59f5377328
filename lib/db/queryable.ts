// What every query module shares: the handle a query runs on (the database or a transaction), the rows
// of a raw statement whichever driver ran it, and timestamps read by raw SQL as Dates.
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Database } from './client.ts';

/** The database or a transaction: what a query function takes first. */
export type Queryable = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

/** Rows of `db.execute` for both drivers (postgres-js returns an array, PGlite `{ rows }`). */
export function rowsOf<T>(r: unknown): T[] {
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
}

/** A timestamp from raw SQL as a Date: postgres-js gives raw results as strings, PGlite as Dates. */
export function toDate(v: Date | string): Date;
export function toDate(v: Date | string | null | undefined): Date | null;
export function toDate(v: Date | string | null | undefined): Date | null {
  return v == null ? null : v instanceof Date ? v : new Date(v);
}

/** A computed timestamp of a builder select as a Date: `sql\`…\`.mapWith(dateOf)`. */
export const dateOf = (v: Date | string): Date => toDate(v);

/** `sum(…)` as a number (Postgres sums integers as bigint and bigints as numeric, both read as strings). */
export const sumOf = (c: SQLWrapper) => sql<number>`sum(${c})`.mapWith(Number);

/**
 * A builder query composed once per database handle and variant, then only bound per call: `build`
 * returns the query's drizzle `.prepare(…)` with `sql.placeholder(…)` for the values that change. For the
 * reads behind every page view: composing a nested builder query costs more CPU than Postgres spends
 * running a small one, and a prepared statement skips Postgres's parse and the driver's describe.
 * Placeholders reach the driver unencoded: timestamps are passed as ISO strings.
 */
export function builtOnce<V extends string, Q>(build: (db: Database, variant: V) => Q): (db: Database, variant: V) => Q {
  const byDb = new WeakMap<Database, Map<V, Q>>();
  return (db, variant) => {
    let built = byDb.get(db);
    if (!built) byDb.set(db, (built = new Map()));
    let q = built.get(variant);
    if (q === undefined) built.set(variant, (q = build(db, variant)));
    return q;
  };
}
