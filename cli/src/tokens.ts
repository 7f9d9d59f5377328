// The token file, in the upstream `bm` CLI's shape (shared/contract/upstream.md §1.5):
//   {"access_token", "refresh_token", "expires_at" (unix s), "token_type"}, indent 2, mode 0600.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export interface StoredTokens {
  access_token: string;
  refresh_token: string | null;
  expires_at: number;
  token_type: string;
}

/** Refresh this many seconds before expiry (upstream: `time.time() < expires_at - 60`). */
const EXPIRY_SKEW_SECONDS = 60;

export function defaultTokenFile(): string {
  return process.env.BMC_TOKEN_FILE || path.join(os.homedir(), '.basic-memory', 'basic-memory-cloud.json');
}

const storedTokensSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  expires_at: z.number().finite(),
  token_type: z.string().min(1).optional(),
});

/** The saved tokens, or null when there are none or the file is not a token file (then: not logged in). */
export function loadTokens(file: string): StoredTokens | null {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return null; }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return null; }
  const t = storedTokensSchema.safeParse(raw);
  if (!t.success) return null;
  return { access_token: t.data.access_token, refresh_token: t.data.refresh_token ?? null, expires_at: t.data.expires_at, token_type: t.data.token_type ?? 'Bearer' };
}

/** Writes atomically (temp file + rename), mode 0600 from creation on. */
export function saveTokens(file: string, t: StoredTokens): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(t, null, 2), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function deleteTokens(file: string): boolean {
  try { fs.unlinkSync(file); return true; } catch { return false; }
}

export function isTokenValid(t: StoredTokens, nowSeconds = Date.now() / 1000): boolean {
  return nowSeconds < t.expires_at - EXPIRY_SKEW_SECONDS;
}

/** A token response → the stored shape (expires_in default 3600, token_type default Bearer). */
export function fromTokenResponse(r: { access_token: string; refresh_token?: string; expires_in?: number; token_type?: string }, nowSeconds = Date.now() / 1000): StoredTokens {
  return {
    access_token: r.access_token,
    refresh_token: r.refresh_token ?? null,
    expires_at: Math.floor(nowSeconds + (r.expires_in ?? 3600)),
    token_type: r.token_type ?? 'Bearer',
  };
}
