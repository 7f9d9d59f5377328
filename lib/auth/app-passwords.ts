// App passwords for file tools: generation, the Basic-auth check on /proxy/webdav/*, and the shape the dashboard
// and /api/app-passwords show. A password is 256 random bits (`bmap_…`), shown once, stored as its SHA-256; its
// access key (`bmak_…`, the Basic user name) is public and names it in listings and mount credentials.
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { AppPassword } from '../db/schema.ts';
import { insertAppPassword } from '../db/queries/app-passwords.ts';
import { hashSecret, randomToken } from './tokens.ts';

export const APP_PASSWORD_PREFIX = 'bmap_';
const ACCESS_KEY_PREFIX = 'bmak_';

export interface CreatedAppPassword { row: AppPassword; secret: string }

/** Creates one for the user's tenant; null when the user has too many. The secret is only in the return value. */
export async function createAppPassword(db: Database, o: { userId: string; tenantId: string; name: string }, ctx: { ip: string | null; userAgent: string | null }): Promise<CreatedAppPassword | null> {
  const secret = randomToken(APP_PASSWORD_PREFIX);
  const accessKey = ACCESS_KEY_PREFIX + randomBytes(10).toString('hex');
  const row = await insertAppPassword(db, { ...o, accessKey, secretHash: hashSecret(secret) }, ctx);
  return row ? { row, secret } : null;
}

export interface AppPasswordDto { id: string; name: string; access_key: string; created_at: string; last_used_at: string | null; last_used_ip: string | null }

export function appPasswordDto(r: AppPassword): AppPasswordDto {
  return { id: r.id, name: r.name, access_key: r.accessKey, created_at: r.createdAt.toISOString(),
    last_used_at: r.lastUsedAt?.toISOString() ?? null, last_used_ip: r.lastUsedIp ?? null };
}
