// A note identifier from the URL tail (`/{project}/<route>/<identifier...>`): still percent-encoded on the wire,
// decoded once here. It may be a permalink, a title, a file path or a `memory://` URL; whatever it is, it is
// checked like a path (no `..`, NUL, backslash, encoded traversal) so it cannot name anything outside the project.
import type { FastifyRequest } from 'fastify';
import { confineRelPath } from './path-confinement.ts';

/** The still-encoded remainder of the URL path after `skipSegments` segments. */
export function rawTail(req: FastifyRequest, skipSegments: number): string {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  return pathname.split('/').slice(1 + skipSegments).join('/');
}

export function identifierFromUrl(req: FastifyRequest, skipSegments: number): string {
  let raw = rawTail(req, skipSegments);
  // memory:// arrives as "memory:%2F%2F…" or "memory://…"; the scheme is not part of the identifier.
  raw = raw.replace(/^memory(?::|%3A)(?:\/|%2F){2}/i, '');
  return confineRelPath(raw, { encoded: true });
}

/** The version the client read: `If-Match: "<sha256>"` (or a bare hex), or a body field. Null when not given. */
export function expectedChecksum(req: FastifyRequest, bodyValue?: string | null): string | null {
  const h = req.headers['if-match'];
  const v = (Array.isArray(h) ? h[0] : h)?.trim();
  if (v && v !== '*') return v.replace(/^W\//, '').replace(/^"|"$/g, '');
  return bodyValue?.trim() || null;
}
