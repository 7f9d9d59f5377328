// `npm run db:migrate`: apply drizzle-kit migrations to DATABASE_URL, or to the embedded PGlite
// under BMC_DATA_DIR (default ./.data) when DATABASE_URL is unset.
import { migrateDatabase, openDatabase } from '../lib/db/client.ts';

const url = process.env.DATABASE_URL || undefined;
const dataDir = process.env.BMC_DATA_DIR || '.data';
const handle = await openDatabase({ url, dataDir });
try {
  await migrateDatabase(handle);
  console.log(`migrations applied (${handle.kind}${url ? '' : ` at ${dataDir}/pglite`})`);
} finally {
  await handle.close();
}
