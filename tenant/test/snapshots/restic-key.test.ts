// The repository's cheap key (snapshots/restic-key.ts) against Debian's real restic: written once, opened by restic
// alone, never written for a password that opens no key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ensureFastKey, fastKeyId } from '../../src/snapshots/restic-key.ts';
import { tempDir } from '../process/tenant-process.ts';

const tmp = tempDir('bm-restic-key-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function resticIn(repo: string, passwordFile: string, args: string[]): string {
  return execFileSync('restic', args, { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_CACHE_DIR: path.join(tmp, 'cache') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('a cheap key is added once, opens the repository on its own, and a wrong password adds nothing', async () => {
  const repo = path.join(tmp, 'repo');
  const pw = path.join(tmp, 'password');
  fs.writeFileSync(pw, `${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600 }); // restic trims it, so must we
  resticIn(repo, pw, ['init']);
  const own = fs.readdirSync(path.join(repo, 'keys'));
  assert.equal(fastKeyId(repo), null);

  const wrong = path.join(tmp, 'wrong');
  fs.writeFileSync(wrong, 'not the password');
  assert.equal(await ensureFastKey(repo, wrong), null);
  assert.deepEqual(fs.readdirSync(path.join(repo, 'keys')), own);

  const id = await ensureFastKey(repo, pw);
  assert.match(id ?? '', /^[0-9a-f]{64}$/);
  assert.equal(await ensureFastKey(repo, pw), id, 'a second call keeps the key it has');
  assert.equal(fastKeyId(repo), id);
  assert.deepEqual(fs.readdirSync(path.join(repo, 'keys')).sort(), [...own, id!].sort());
  const kf = JSON.parse(fs.readFileSync(path.join(repo, 'keys', id!), 'utf8'));
  assert.deepEqual([kf.kdf, kf.N, kf.r, kf.p], ['scrypt', 16384, 8, 1]);

  // restic's own key removed: the cheap key alone opens the repository, and restic says it is the one in use
  fs.rmSync(path.join(repo, 'keys', own[0]!), { force: true });
  const keys = JSON.parse(resticIn(repo, pw, ['--no-lock', 'key', 'list', '--json'])) as { current: boolean; id: string }[];
  assert.deepEqual(keys.map((k) => [k.id, k.current]), [[id!.slice(0, 8), true]]);
  assert.throws(() => resticIn(repo, wrong, ['--no-lock', 'cat', 'config']));
});
