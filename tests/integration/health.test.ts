// GET /api/health: 200 with a reachable database, 503 + JSON body when Postgres is unreachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createPostgresDatabase } from '../helpers/test-db.ts';
import { resetConfigForTests } from '../../lib/config/index.ts';
import { closeDb } from '../../lib/db/index.ts';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function setEnv(databaseUrl: string | undefined) {
  resetConfigForTests();
  process.env.BMC_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-health-'));
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl; else delete process.env.DATABASE_URL;
}

test('health is 503 with a clear JSON body when Postgres is unreachable', async () => {
  setEnv(`postgres://postgres@127.0.0.1:${await closedPort()}/nothing`);
  const { GET } = await import('../../app/api/health/route.ts');
  const res = await GET();
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = await res.json();
  assert.equal(body.status, 'unavailable');
  assert.deepEqual(body.database, { kind: 'postgres', status: 'unreachable' });
  assert.match(body.detail, /Postgres database \(DATABASE_URL\) is unreachable/);
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.doesNotMatch(JSON.stringify(body), /ECONNREFUSED|127\.0\.0\.1/, 'no connection internals leak');
  await closeDb();
});

test('health is 200 with a fresh Postgres database, and with PGlite', async () => {
  const pg = await createPostgresDatabase();
  try {
    setEnv(pg.url);
    const { GET } = await import('../../app/api/health/route.ts');
    let res = await GET();
    assert.equal(res.status, 200);
    let body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.database.kind, 'postgres');
    assert.equal(body.database.status, 'ok');
    await closeDb();

    setEnv(undefined);
    res = await GET();
    body = await res.json();
    assert.equal(res.status, 200);
    assert.deepEqual([body.status, body.database.kind], ['ok', 'pglite']);
    await closeDb();
  } finally {
    await closeDb();
    await pg.drop();
  }
});
