// Who is writing, for the note history: the control plane names the caller in `X-BM-Actor` ("browser", "CLI",
// "MCP: Claude Desktop", "WebDAV (rclone/v1.60)"); the tenant proxy strips any X-BM-* header a client sends, so
// only the control plane sets it. The name is kept for the request's whole async flow (the writer lock's queue
// included) so the write sites need not pass it along. A reason set here (a history restore) overrides theirs.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

const ACTOR_HEADER = 'x-bm-actor';
export type VersionReason = 'edit' | 'overwrite' | 'move' | 'delete' | 'restore';

interface WriteContext { actor: string; reason?: VersionReason }
const context = new AsyncLocalStorage<WriteContext>();

/** A header value as a short printable name ("API" when there is none). */
export function actorFromHeader(raw: string | string[] | undefined): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return 'API';
  let s: string;
  try { s = decodeURIComponent(v); } catch { s = v; }
  s = s.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 120);
  return s || 'API';
}

export function currentWriter(): WriteContext { return context.getStore() ?? { actor: 'API' }; }

/** Runs fn with the reason every version it keeps is recorded with (e.g. "restore"). */
export function withWriteReason<T>(reason: VersionReason, fn: () => T): T {
  return context.run({ ...currentWriter(), reason }, fn);
}

/** Every request's handler runs inside its writer context (set after the body is read, so nothing loses it). */
export function installWriteContext(app: FastifyInstance): void {
  app.addHook('preHandler', (req, _reply, done) => {
    context.run({ actor: actorFromHeader(req.headers[ACTOR_HEADER]) }, done);
  });
}
