// Fresh, migrated databases for integration tests: a new Postgres database per call (dropped on
// close) against the server in DATABASE_URL (default: local trust-auth Postgres), or an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseKind } from '../../lib/db/client.ts';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends DatabaseHandle {
  /** Connection string of the fresh Postgres database (undefined for PGlite). */
  url?: string;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** Creates an empty Postgres database and returns its URL plus a drop function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bmc_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: withDatabase(ADMIN_URL, name),
    drop: async () => {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try { await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`); } finally { await a.end({ timeout: 5 }); }
    },
  };
}

export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const h = await openDatabase({ memory: true });
    await migrateDatabase(h);
    return h;
  }
  const { url, drop } = await createPostgresDatabase();
  const h = await openDatabase({ url, max: 5 });
  await migrateDatabase(h);
  return { ...h, url, close: async () => { await h.close(); await drop(); } };
}

export const DB_KINDS: DatabaseKind[] = ['postgres', 'pglite'];
