// The app's database: one handle per process (memoized on globalThis, shared by every Next bundle
// and the background services started from instrumentation.ts). PGlite allows one process per data
// dir, so everything touching the db at runtime lives in the Next server process.
import { getConfig } from '../config/index.ts';
import { migrateDatabase, openDatabase, type Database, type DatabaseHandle } from './client.ts';

export type { Database, DatabaseHandle } from './client.ts';

const KEY = Symbol.for('bmc.db');
type Holder = { [KEY]?: Promise<DatabaseHandle> };

/** Opens the database once per process and applies pending migrations. Retries after a failure. */
export function getDbHandle(): Promise<DatabaseHandle> {
  const g = globalThis as Holder;
  if (!g[KEY]) {
    const { app } = getConfig();
    const p = (async () => {
      const h = await openDatabase({ url: app.databaseUrl, dataDir: app.dataDir });
      try {
        await migrateDatabase(h);
      } catch (err) {
        await h.close().catch(() => {});
        throw err;
      }
      return h;
    })();
    g[KEY] = p;
    p.catch(() => { if (g[KEY] === p) delete g[KEY]; });
  }
  return g[KEY]!;
}

/** The drizzle database (opened and migrated on first use). */
export async function getDb(): Promise<Database> {
  return (await getDbHandle()).db;
}

/** Closes the process's database handle (shutdown, tests). */
export async function closeDb(): Promise<void> {
  const g = globalThis as Holder;
  const p = g[KEY];
  delete g[KEY];
  if (p) await (await p.catch(() => null))?.close();
}
