// Account API keys (`bmc_…`, upstream's `cloud_api_key`): generation, the scopes a key carries, and the shape that
// /api/keys and the dashboard show. A key is 256 random bits, shown once, stored as its SHA-256.
import type { Database } from '../db/client.ts';
import type { ApiKey } from '../db/schema.ts';
import { insertApiKey } from '../db/queries/api-keys.ts';
import { READ_ONLY_SCOPES, READ_WRITE_SCOPES, type MemoryScope } from './memory-scopes.ts';
import { hashSecret, randomToken } from './tokens.ts';

export const API_KEY_PREFIX = 'bmc_';
/** `bmc_` + 43 base64url characters; anything else starting with `bmc_` is malformed. */
export const API_KEY_PATTERN = /^bmc_[A-Za-z0-9_-]{43}$/;
/** Characters of the key kept in clear to tell keys apart in lists (not enough to guess the rest). */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export type ApiKeyScope = ApiKey['scope'];

export function scopesForApiKey(scope: ApiKeyScope): MemoryScope[] {
  return scope === 'read_only' ? [...READ_ONLY_SCOPES] : [...READ_WRITE_SCOPES];
}

export interface CreatedApiKey { row: ApiKey; secret: string }

/** Creates one for a workspace of the user; null when the user has too many. The secret is only in the return value. */
export async function createApiKey(db: Database, o: { userId: string; tenantId: string; name: string; scope: ApiKeyScope }, ctx: { ip: string | null; userAgent: string | null }): Promise<CreatedApiKey | null> {
  const secret = randomToken(API_KEY_PREFIX);
  const row = await insertApiKey(db, { ...o, prefix: secret.slice(0, SHOWN_PREFIX_LENGTH), secretHash: hashSecret(secret) }, ctx);
  return row ? { row, secret } : null;
}

export interface ApiKeyDto {
  id: string; name: string; scope: ApiKeyScope; scopes: string[]; prefix: string; workspace_id: string;
  created_at: string; last_used_at: string | null; last_used_ip: string | null;
}

export function apiKeyDto(r: ApiKey): ApiKeyDto {
  return {
    id: r.id, name: r.name, scope: r.scope, scopes: scopesForApiKey(r.scope), prefix: r.prefix, workspace_id: r.tenantId,
    created_at: r.createdAt.toISOString(), last_used_at: r.lastUsedAt?.toISOString() ?? null, last_used_ip: r.lastUsedIp ?? null,
  };
}
