// Where a WebDAV request points: the mount, the project segment and the confined path under it, the Destination of
// COPY/MOVE, the client-side href prefix, and the ETag helpers every method shares.
import type { FastifyRequest } from 'fastify';
import { confineRelPath } from '../http/path-confinement.ts';
import { DavError } from './dav-error.ts';

export const DAV_MOUNT = '/webdav';
export const DAV_METHODS = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'] as const;
export const ALLOW = DAV_METHODS.join(', ');
/** Header the control plane sets to the path its clients see in front of `/webdav` (e.g. `/proxy`): hrefs must match what they asked for. */
const HREF_PREFIX_HEADER = 'x-bm-href-prefix';

/** A location under /webdav: the project segment as sent (decoded) and the confined project-relative path. */
export interface DavLocation { projectSeg: string | null; rel: string; trailingSlash: boolean }

export function refusePath(): never { throw new DavError(400, 'Invalid path: it must stay inside the project'); }

/** Parses the path part of a URL (still percent-encoded) under the mount. */
export function parseDavPath(rawPath: string): DavLocation {
  if (rawPath !== DAV_MOUNT && !rawPath.startsWith(DAV_MOUNT + '/')) throw new DavError(404, 'Not Found');
  // Clients percent-encode names; raw bytes outside ASCII are not valid in a request target.
  if (/[^\x21-\x7e]/.test(rawPath)) refusePath();
  const tail = rawPath.slice(DAV_MOUNT.length + 1);
  const trailingSlash = tail.endsWith('/');
  const [projectRaw = '', ...restRaw] = tail.split('/');
  if (!projectRaw) {
    if (restRaw.some((s) => s !== '')) refusePath();
    return { projectSeg: null, rel: '', trailingSlash };
  }
  const strict = (s: string) => {
    try { return decodeURIComponent(s); } catch { throw new DavError(400, 'Invalid path: names must be valid UTF-8, percent-encoded'); }
  };
  const projectSeg = strict(projectRaw);
  if (projectSeg === '.' || projectSeg === '..' || /[/\\\0]/.test(projectSeg)) refusePath();
  const restJoined = restRaw.join('/');
  strict(restJoined);
  let rel: string;
  try { rel = confineRelPath(restJoined, { encoded: true, allowEmpty: true, allowHidden: true }); } catch { refusePath(); }
  return { projectSeg, rel, trailingSlash };
}

/** `Destination` (absolute URL or path) → its path under the mount, without the client-side prefix. */
export function destinationPath(header: string | undefined, prefix: string): string {
  if (!header) throw new DavError(400, 'Destination header is required');
  let p = header.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (scheme) p = p.slice(scheme[0].length) || '/';
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  if (prefix && p.startsWith(prefix + DAV_MOUNT)) p = p.slice(prefix.length);
  if (!p.startsWith(DAV_MOUNT + '/')) throw new DavError(502, 'Destination must be on this WebDAV server');
  return p;
}

export function hrefPrefix(req: FastifyRequest): string {
  const v = req.headers[HREF_PREFIX_HEADER];
  return typeof v === 'string' && /^(\/[A-Za-z0-9._~-]+){0,4}$/.test(v) ? v : '';
}

export function rawPathOf(req: FastifyRequest): string {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export const etagOf = (md5: string) => `"${md5}"`;
/** Entity tags listed in If-Match / If-None-Match (weak or strong; quotes dropped). */
export function etagList(h: string): string[] { return h.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '')).filter(Boolean); }
