// "Not indexed yet" is not "indexed, no notes": an empty project counts as indexed only once a sync of it
// has succeeded (the tenant records finished runs: ok | failed); a tenant answering 503 (index rebuilding) is "not indexed yet" too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyProjectIndexState } from '../../lib/notes/note-view.ts';
import { TenantNotesError } from '../../lib/notes/tenant-notes.ts';

test('an empty project is indexed only after a finished sync', () => {
  assert.equal(emptyProjectIndexState(null).state, 'not_indexed');
  assert.equal(emptyProjectIndexState([]).state, 'not_indexed');
  assert.equal(emptyProjectIndexState([{ status: 'failed' }]).state, 'not_indexed');
  assert.match((emptyProjectIndexState([{ status: 'failed' }]) as { message: string }).message, /failed/);
  assert.equal(emptyProjectIndexState([{ status: 'failed' }, { status: 'ok' }]).state, 'ready');
});

test('a 503 from the tenant (or the proxy in front of it) means not indexed yet; other errors do not', () => {
  const err = (status: number, detail: unknown) => new TenantNotesError({ status, headers: {}, body: Buffer.from(JSON.stringify({ detail })) });
  const rebuilding = err(503, 'Index is rebuilding, retry shortly');
  assert.equal(rebuilding.notIndexedYet, true);
  assert.equal(rebuilding.message, 'Index is rebuilding, retry shortly');
  const starting = err(503, { error: 'tenant_unavailable', status: 'starting', message: 'Your tenant is starting.' });
  assert.equal(starting.notIndexedYet, true);
  assert.equal(starting.message, 'Your tenant is starting.');
  assert.equal(err(404, "Project 'x' not found.").notIndexedYet, false);
  assert.equal(err(502, { error: 'tenant_unreachable', message: 'x' }).notIndexedYet, false);
});
