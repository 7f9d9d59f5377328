// The credential the control plane hands the tenant (BM_TENANT_SECRET, env only, never argv).
// Standalone, a secret is generated once and kept in <index-dir>/credential (0600) so a person can
// sign requests with `node tenant/src/sign.ts`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const MIN_SECRET_BYTES = 32;

/** Accepts hex (64+ chars) or base64url (43+ chars) secrets carrying at least 32 bytes. */
export const TenantSecretSchema = z.string().trim().refine((s) => {
  // All-hex text is judged as hex (a 62-char hex string is 31 bytes, not 46 base64 bytes).
  if (/^[0-9a-fA-F]+$/.test(s)) return s.length % 2 === 0 && s.length / 2 >= MIN_SECRET_BYTES;
  return /^[A-Za-z0-9_-]+={0,2}$/.test(s) && Buffer.from(s, 'base64url').length >= MIN_SECRET_BYTES;
}, `BM_TENANT_SECRET must be hex or base64url encoding at least ${MIN_SECRET_BYTES} bytes`);

export function credentialFilePath(indexDir: string): string {
  return path.join(indexDir, 'credential');
}

export type Credential = { secret: string; source: 'env' | 'file' | 'generated'; file?: string };

export function loadOrCreateCredential(envSecret: string | undefined, indexDir: string): Credential {
  if (envSecret !== undefined && envSecret !== '') {
    const parsed = TenantSecretSchema.safeParse(envSecret);
    if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
    return { secret: parsed.data, source: 'env' };
  }
  const file = credentialFilePath(indexDir);
  const existing = readCredentialFile(file);
  if (existing) return { secret: existing, source: 'file', file };
  const secret = randomBytes(MIN_SECRET_BYTES).toString('base64url');
  fs.mkdirSync(indexDir, { recursive: true });
  try {
    fs.writeFileSync(file, secret + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // Lost a race with another writer: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = readCredentialFile(file);
      if (theirs) return { secret: theirs, source: 'file', file };
    }
    throw err;
  }
  return { secret, source: 'generated', file };
}

export function readCredentialFile(file: string): string | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = TenantSecretSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
