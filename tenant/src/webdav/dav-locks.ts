// WebDAV class 2 write locks, in memory (a restart drops them, which clients survive: they re-lock).
// Finder and Windows' mini-redirector LOCK before writing and send the token back in `If`; rclone never locks.
// Keys are "<project>/<rel>" ('' rel = the project root). A depth-infinity lock covers everything below it.
import crypto from 'node:crypto';

export interface DavLock {
  token: string;
  key: string;
  scope: 'exclusive' | 'shared';
  depth: '0' | 'infinity';
  owner: string | null;
  timeoutSeconds: number;
  expiresAt: number;
}

const MAX_LOCK_SECONDS = 3600;
const DEFAULT_LOCK_SECONDS = 600;

/** Tokens a request submits in its `If` header (RFC 4918 §10.4): we only need the state tokens. */
export function submittedTokens(ifHeader: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!ifHeader) return out;
  for (const m of ifHeader.matchAll(/<(opaquelocktoken:[^>\s]+|urn:uuid:[^>\s]+)>/g)) out.add(m[1]!);
  return out;
}

/** `Timeout: Second-600, Infinite` → seconds, capped. */
export function lockTimeout(h: string | undefined): number {
  if (!h) return DEFAULT_LOCK_SECONDS;
  for (const part of h.split(',')) {
    const t = part.trim();
    if (/^infinite$/i.test(t)) return MAX_LOCK_SECONDS;
    const m = /^Second-(\d{1,10})$/i.exec(t);
    if (m) return Math.max(1, Math.min(MAX_LOCK_SECONDS, Number(m[1])));
  }
  return DEFAULT_LOCK_SECONDS;
}

const under = (key: string, root: string) => key === root || key.startsWith(root.endsWith('/') ? root : root + '/');

export class LockTable {
  private locks = new Map<string, DavLock>(); // by token
  private now: () => number;

  constructor(now: () => number = Date.now) { this.now = now; }

  private live(): DavLock[] {
    const t = this.now();
    const out: DavLock[] = [];
    for (const [tok, l] of this.locks) {
      if (l.expiresAt <= t) this.locks.delete(tok);
      else out.push(l);
    }
    return out;
  }

  /** Whether any lock is still live (a WebDAV client is in a session with us: the tenant must not sleep). */
  anyLive(): boolean {
    return this.live().length > 0;
  }

  /** Locks that affect a write to `key` (its own, an ancestor's depth-infinity lock, and with `subtree` any lock below it). */
  covering(key: string, subtree = false): DavLock[] {
    return this.live().filter((l) => l.key === key || (l.depth === 'infinity' && under(key, l.key)) || (subtree && under(l.key, key)));
  }

  /** Throws a 423 unless every lock on the way is matched by a submitted token. */
  assertCanWrite(key: string, tokens: Set<string>, subtree = false): void {
    const blocking = this.covering(key, subtree).filter((l) => !tokens.has(l.token));
    if (blocking.length) throw new LockedError();
  }

  acquire(key: string, scope: 'exclusive' | 'shared', depth: '0' | 'infinity', owner: string | null, timeoutSeconds: number): DavLock {
    const existing = this.covering(key, depth === 'infinity');
    if (existing.some((l) => l.scope === 'exclusive') || (scope === 'exclusive' && existing.length)) throw new LockedError();
    const lock: DavLock = {
      token: `opaquelocktoken:${crypto.randomUUID()}`, key, scope, depth, owner, timeoutSeconds, expiresAt: this.now() + timeoutSeconds * 1000,
    };
    this.locks.set(lock.token, lock);
    return lock;
  }

  refresh(key: string, tokens: Set<string>, timeoutSeconds: number): DavLock | null {
    for (const l of this.covering(key)) {
      if (tokens.has(l.token)) {
        l.timeoutSeconds = timeoutSeconds;
        l.expiresAt = this.now() + timeoutSeconds * 1000;
        return l;
      }
    }
    return null;
  }

  release(key: string, token: string): boolean {
    const l = this.locks.get(token);
    if (!l || !(l.key === key || (l.depth === 'infinity' && under(key, l.key)))) return false;
    this.locks.delete(token);
    return true;
  }

  /** After DELETE or MOVE the resources are gone: their locks go too. */
  dropUnder(key: string): void {
    for (const l of this.live()) if (under(l.key, key)) this.locks.delete(l.token);
  }
}

export class LockedError extends Error {
  constructor() { super('The resource is locked by someone else'); }
}
