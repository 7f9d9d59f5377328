// A second key for a local restic repository whose password derivation is cheap. restic 0.14 calibrates scrypt
// at `init` to take about 0.5 s on the machine at hand (N 32768, r 8, p up to 6) and pays it again at the start of
// every command: a single-file restore or a snapshot spends more on opening the key than on the work. The password
// is 32 random bytes (never typed by a person), so a costly derivation adds no protection; this key wraps the same
// master key with scrypt's interactive parameters (N 16384, r 8, p 1). Every command names it with
// RESTIC_KEY_HINT, so restic tries it first; restic's own key stays, and any mistake here only means restic falls
// back to it. Format (restic's design.md, "Keys, Encryption and MAC"): scrypt(password, salt) gives 64 bytes, an
// AES-256 key then the Poly1305-AES key k‖r; `data` is IV ‖ AES-256-CTR(master key JSON) ‖ Poly1305-AES MAC.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FAST_KDF = { N: 16384, r: 8, p: 1 } as const;

interface KeyFile { created: string; username: string; hostname: string; kdf: string; N: number; r: number; p: number; salt: string; data: string }

const P1305 = (1n << 130n) - 5n;
const R_CLAMP = 0x0ffffffc0ffffffc0ffffffc0fffffffn;

function le(b: Buffer): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** Poly1305-AES as restic uses it: r from the key (clamped), s = AES-128(k, nonce). */
function mac(msg: Buffer, nonce: Buffer, k: Buffer, r: Buffer): Buffer {
  const aes = crypto.createCipheriv('aes-128-ecb', k, null).setAutoPadding(false);
  const s = Buffer.concat([aes.update(nonce), aes.final()]);
  const rr = le(r) & R_CLAMP;
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const chunk = msg.subarray(i, i + 16);
    acc = ((acc + le(chunk) + (1n << BigInt(8 * chunk.length))) * rr) % P1305;
  }
  acc = (acc + le(s)) & ((1n << 128n) - 1n);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) { out[i] = Number(acc & 0xffn); acc >>= 8n; }
  return out;
}

function userKey(password: string, salt: Buffer, N: number, r: number, p: number): Promise<{ enc: Buffer; k: Buffer; r: Buffer }> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password, salt, 64, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
      if (err) reject(err); else resolve({ enc: key.subarray(0, 32), k: key.subarray(32, 48), r: key.subarray(48, 64) });
    });
  });
}

/** Opens a key file with the password: the master key's JSON bytes, or null (wrong password, damaged file). */
async function openKey(kf: KeyFile, password: string): Promise<Buffer | null> {
  if (kf.kdf !== 'scrypt') return null;
  const u = await userKey(password, Buffer.from(kf.salt, 'base64'), kf.N, kf.r, kf.p);
  const data = Buffer.from(kf.data, 'base64');
  if (data.length < 33) return null;
  const nonce = data.subarray(0, 16);
  const ct = data.subarray(16, data.length - 16);
  if (!crypto.timingSafeEqual(mac(ct, nonce, u.k, u.r), data.subarray(data.length - 16))) return null;
  const d = crypto.createDecipheriv('aes-256-ctr', u.enc, nonce);
  return Buffer.concat([d.update(ct), d.final()]);
}

async function sealKey(master: Buffer, password: string): Promise<Buffer> {
  const salt = crypto.randomBytes(64);
  const u = await userKey(password, salt, FAST_KDF.N, FAST_KDF.r, FAST_KDF.p);
  const nonce = crypto.randomBytes(16);
  const c = crypto.createCipheriv('aes-256-ctr', u.enc, nonce);
  const ct = Buffer.concat([c.update(master), c.final()]);
  const kf: KeyFile = { created: new Date().toISOString(), username: os.userInfo().username, hostname: os.hostname(), kdf: 'scrypt',
    N: FAST_KDF.N, r: FAST_KDF.r, p: FAST_KDF.p, salt: salt.toString('base64'), data: Buffer.concat([nonce, ct, mac(ct, nonce, u.k, u.r)]).toString('base64') };
  return Buffer.from(JSON.stringify(kf));
}

function readKeys(repository: string): { id: string; kf: KeyFile }[] {
  const dir = path.join(repository, 'keys');
  const out: { id: string; kf: KeyFile }[] = [];
  for (const id of fs.readdirSync(dir)) {
    if (!/^[0-9a-f]{64}$/.test(id)) continue;
    try { out.push({ id, kf: JSON.parse(fs.readFileSync(path.join(dir, id), 'utf8')) as KeyFile }); } catch { /* not a key */ }
  }
  return out;
}

/** The id of the repository's cheap key, if it has one (read from `keys/`, nothing derived). */
export function fastKeyId(repository: string): string | null {
  try {
    return readKeys(repository).find(({ kf }) => kf.kdf === 'scrypt' && kf.N === FAST_KDF.N && kf.r === FAST_KDF.r && kf.p === FAST_KDF.p)?.id ?? null;
  } catch { return null; }
}

/**
 * Gives a local repository its cheap key (once: an existing one is kept) and returns its id; null when no key opens
 * with this password. restic reads its password file trimmed, and so does this. The file is written as restic
 * writes key files: named by its SHA-256, read-only, through a temporary name.
 */
export async function ensureFastKey(repository: string, passwordFile: string): Promise<string | null> {
  const have = fastKeyId(repository);
  if (have) return have;
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  for (const { kf } of readKeys(repository)) {
    const master = await openKey(kf, password).catch(() => null);
    if (!master) continue;
    const bytes = await sealKey(master, password);
    // the new file must open to the same master key before it is placed
    if (!(await openKey(JSON.parse(bytes.toString('utf8')) as KeyFile, password))?.equals(master)) return null;
    const id = crypto.createHash('sha256').update(bytes).digest('hex');
    const tmp = path.join(repository, 'keys', `.${id}.tmp`);
    fs.writeFileSync(tmp, bytes, { mode: 0o400 });
    fs.renameSync(tmp, path.join(repository, 'keys', id));
    return id;
  }
  return null;
}
