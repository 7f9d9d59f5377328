import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { DB_KINDS, freshDatabase } from '../helpers/test-db.ts';
import { migrateDatabase } from '../../lib/db/client.ts';
import { users } from '../../lib/db/schema.ts';

for (const kind of DB_KINDS) {
  describe(`migrations on ${kind}`, () => {
    test('apply from empty, re-apply is a no-op, and the schema enforces (issuer, subject) uniqueness', async () => {
      const h = await freshDatabase(kind);
      try {
        await migrateDatabase(h); // second run must not fail
        const r = await h.db.execute(sql`select count(*)::int as n from information_schema.tables where table_name in ('users','tenants','memberships','audit_events')`);
        const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { n: number }[];
        assert.equal(rows[0].n, 4);
        await h.db.insert(users).values({ issuer: 'https://idp', subject: 's1', email: 'a@example.com' });
        await assert.rejects(h.db.insert(users).values({ issuer: 'https://idp', subject: 's1', email: 'b@example.com' }));
      } finally {
        await h.close();
      }
    });
  });
}
