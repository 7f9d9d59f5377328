// One database handle for the control plane: real Postgres when DATABASE_URL is set, otherwise an
// embedded PGlite persisted under the data directory. Both run the same drizzle-kit migrations.
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema.ts';
import { REPO_ROOT } from '../paths.ts';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * LISTEN on `channel`: `onNotify` per notification, `onConnect` each time the listening connection
   * is (re)established (notifications sent while it was down are lost).
   */
  listen(channel: string, onNotify: (payload: string) => void, onConnect: () => void): Promise<void>;
}

// Not import.meta.dirname: undefined inside the Next server bundle (see lib/paths.ts).
const MIGRATIONS_DIR = path.join(REPO_ROOT, 'drizzle');

export interface DatabaseOptions {
  /** Postgres connection string; unset → PGlite under `dataDir/pglite`. */
  url?: string;
  dataDir?: string;
  /** Max pool size for Postgres. */
  max?: number;
  /** Use an in-memory PGlite (tests). */
  memory?: boolean;
}

export async function openDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(opts.url, {
      max: opts.max ?? 10,
      idle_timeout: 60,
      connect_timeout: 10,
      onnotice: () => {},
      // Statements prepared once (builtOnce in lib/db/queryable.ts) are still planned for each call's values:
      // a generic plan would ignore them (a tenant's rebuilds, a rare kind, planned as if common: 27 ms
      // instead of 0.1 ms on a 1.5 M-run history), so every execution gets a custom plan, as an unprepared one does.
      connection: { application_name: 'basic-memory-cloud', plan_cache_mode: 'force_custom_plan' },
    });
    const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database;
    return {
      db, kind: 'postgres',
      ping: async () => { await client`select 1`; },
      close: async () => { await client.end({ timeout: 5 }); },
      listen: async (channel, onNotify, onConnect) => { await client.listen(channel, onNotify, onConnect); },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let dir: string | undefined;
  if (!opts.memory) {
    dir = path.join(opts.dataDir ?? '.data', 'pglite');
    fs.mkdirSync(dir, { recursive: true });
  }
  const client = dir ? new PGlite(dir) : new PGlite();
  await client.waitReady;
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database;
  return {
    db, kind: 'pglite',
    ping: async () => { await db.execute(sql`select 1`); },
    close: async () => { if (!client.closed) await client.close(); },
    // One process owns a PGlite database, so its notifications are its own.
    listen: async (channel, onNotify, onConnect) => { await client.listen(channel, onNotify); onConnect(); },
  };
}

/** Applies every pending drizzle-kit migration from `drizzle/` (tests: another folder). Safe to run at every start. */
export async function migrateDatabase(handle: DatabaseHandle, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (handle.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // biome-ignore lint/suspicious/noExplicitAny: each migrator wants its own driver's database type; the handle is a union
    await migrate(handle.db as any, { migrationsFolder });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // biome-ignore lint/suspicious/noExplicitAny: each migrator wants its own driver's database type; the handle is a union
    await migrate(handle.db as any, { migrationsFolder });
  }
}
