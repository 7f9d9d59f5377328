// Idempotency-Key for the creating routes (POST /knowledge/entities, POST /knowledge/move): a retry with the
// same key returns the first success (status and body, with `Idempotency-Replayed: true`), never a 409 after
// a success and never a second effect. Concurrent requests with one key: the first runs, the others wait for
// it and replay its answer. Only successes are kept (a failed attempt may be retried and run again); a key
// reused with a different request is refused with 422. Entries live in `<index-dir>/idempotency.sqlite` for the
// window (`--idempotency-window-seconds`, default 24 hours), so a retry after a restart is still answered.
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyRepository } from '../repositories/idempotency-repository.ts';
import { HttpError } from './errors.ts';

export const DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

interface Stored { status: number; body: unknown }

export class IdempotencyStore {
  private readonly answers: IdempotencyRepository;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private lastPurge = 0;
  private readonly windowMs: number;

  constructor(indexDir: string, opts: { windowSeconds?: number } = {}) {
    this.windowMs = (opts.windowSeconds ?? DEFAULT_IDEMPOTENCY_WINDOW_SECONDS) * 1000;
    this.answers = new IdempotencyRepository(indexDir);
  }

  private get(scope: string, key: string): (Stored & { fingerprint: string }) | null {
    const row = this.answers.find(scope, key);
    if (!row || Date.now() - row.created_at > this.windowMs) return null;
    return { fingerprint: row.fingerprint, status: row.status, body: row.body };
  }

  private purge(): void {
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    this.answers.deleteOlderThan(Date.now() - this.windowMs);
  }

  /** Runs `fn` once per (scope, key); replays the stored success otherwise. */
  async run(scope: string, key: string, fingerprint: string, fn: () => Promise<Stored>): Promise<Stored & { replayed: boolean }> {
    if (!KEY_RE.test(key)) throw new HttpError(400, 'Idempotency-Key must be 1-255 printable ASCII characters');
    this.purge();
    const id = `${scope}\n${key}`;
    for (;;) {
      const stored = this.get(scope, key);
      if (stored) {
        if (stored.fingerprint !== fingerprint) throw new HttpError(422, 'Idempotency-Key was already used with a different request');
        return { status: stored.status, body: stored.body, replayed: true };
      }
      const pending = this.inflight.get(id);
      if (!pending) break;
      await pending.catch(() => undefined); // then look again: its success is stored, its failure is ours to retry
      if (!this.get(scope, key)) {
        // the first attempt failed: run it ourselves (unless another waiter already started)
        if (this.inflight.has(id)) continue;
        break;
      }
    }
    const p = fn();
    this.inflight.set(id, p);
    try {
      const r = await p;
      if (r.status >= 200 && r.status < 300) {
        this.answers.save(scope, key, { fingerprint, status: r.status, body: r.body, created_at: Date.now() });
      }
      return { ...r, replayed: false };
    } finally {
      this.inflight.delete(id);
    }
  }

  close(): void { this.answers.close(); }
}

/** Route helper: without the header, just runs; with it, runs once per key (per project and route). */
export async function idempotent<T>(store: IdempotencyStore, req: FastifyRequest, reply: FastifyReply, scope: string, fn: () => Promise<T>): Promise<T> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return fn();
  if (Array.isArray(key)) throw new HttpError(400, 'Send one Idempotency-Key header');
  const fingerprint = crypto.createHash('sha256').update(`${req.method}\n${scope}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
  const r = await store.run(scope, key, fingerprint, async () => ({ status: 200, body: await fn() }));
  if (r.replayed) reply.header('idempotency-replayed', 'true');
  reply.code(r.status);
  return r.body as T;
}
