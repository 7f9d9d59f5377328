// In-process cache of access token → principal, for the Bearer hot path (the CLI on /proxy/*): a
// database round trip per request would cost more than the proxying itself.
//
// Revocation still takes effect on the next request:
//   - revoking a CLI session deletes its access tokens and sends NOTIFY `bmc_cli_session_revoked`
//     in the same transaction (delivered on commit);
//   - every app instance LISTENs and empties its cache on a notification, and also whenever its
//     listening connection (re)connects (notifications may have been missed meanwhile);
//   - the instance that revoked empties its own cache right after the commit, before answering;
//   - a lookup that raced with a revocation is not stored (epoch check), and entries expire after
//     OAUTH_ACCESS_TOKEN_CACHE_MS anyway (the backstop should a notification ever be lost).
// Keyed by the token's SHA-256; holds no token.
import type { DatabaseHandle } from '../db/client.ts';
import { CLI_SESSION_REVOKED_CHANNEL } from '../db/queries/oauth.ts';
import type { Principal } from './principal-type.ts';

export interface CachedPrincipal {
  principal: Principal;
  tokenExpiresAt: number;
  /** When the session's last-used time was last written (throttles the write to once a minute). */
  lastTouchedAt: number;
}

interface Entry extends CachedPrincipal { cachedAt: number }

export class AccessTokenCache {
  private entries = new Map<string, Entry>();
  private epoch = 0;
  readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(ttlMs: number, maxEntries = 50_000) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  get(tokenHash: string, now: number): CachedPrincipal | null {
    const e = this.entries.get(tokenHash);
    if (!e) return null;
    if (now - e.cachedAt >= this.ttlMs || e.tokenExpiresAt <= now) {
      this.entries.delete(tokenHash);
      return null;
    }
    return e;
  }

  /** Take before the database lookup; pass to `set`, which stores nothing if a revocation came in between. */
  beginLookup(): number {
    return this.epoch;
  }

  set(tokenHash: string, value: CachedPrincipal, epoch: number, now: number): void {
    if (this.ttlMs <= 0 || epoch !== this.epoch) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(tokenHash, { ...value, cachedAt: now });
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const KEY = Symbol.for('bmc.accessTokenCache');
const LISTENING = Symbol.for('bmc.accessTokenCache.listening');
type Holder = { [KEY]?: AccessTokenCache; [LISTENING]?: boolean };

/**
 * The process's cache (shared by every Next bundle), created with `ttlMs` on first use; null (no
 * caching) until this process listens for revocations, so other instances' revocations always reach it.
 */
export function processAccessTokenCache(ttlMs: number): AccessTokenCache | null {
  const g = globalThis as Holder;
  if (ttlMs <= 0 || !g[LISTENING]) return null;
  return (g[KEY] ??= new AccessTokenCache(ttlMs));
}

/** Empties this process's cache (after a revocation commits). No-op when there is none. */
export function invalidateAccessTokenCache(): void {
  (globalThis as Holder)[KEY]?.clear();
}

/** Subscribes this process to revocations made by any instance (Postgres LISTEN). */
export async function watchCliSessionRevocations(handle: Pick<DatabaseHandle, 'listen'>): Promise<void> {
  await handle.listen(CLI_SESSION_REVOKED_CHANNEL, invalidateAccessTokenCache, invalidateAccessTokenCache);
  (globalThis as Holder)[LISTENING] = true;
}
