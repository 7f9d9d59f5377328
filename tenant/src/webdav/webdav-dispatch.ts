// WebDAV's request handling (webdav-routes.ts routes to it): one handler per method in methods/, sharing the tenant's
// DavContext (dav-context.ts). Loaded at the first WebDAV request, not at the tenant's start.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, NotFoundError, PathError } from '../engine-types.ts';
import { HttpError } from '../http/errors.ts';
import { DavError } from './dav-error.ts';
import { LockedError } from './dav-locks.ts';
import type { DavContext } from './dav-context.ts';
export { createDavContext } from './dav-context.ts';
import { checkIfHeader } from './dav-if-check.ts';
import { ALLOW, parseDavPath, rawPathOf } from './dav-location.ts';
import { copyOrMove } from './methods/copy-move.ts';
import { del } from './methods/delete.ts';
import { getOrHead } from './methods/get.ts';
import { lock } from './methods/lock.ts';
import { mkcol } from './methods/mkcol.ts';
import { options } from './methods/options.ts';
import { propfind } from './methods/propfind.ts';
import { proppatch } from './methods/proppatch.ts';
import { put } from './methods/put.ts';
import { unlock } from './methods/unlock.ts';

/** One WebDAV request: the method's handler, its errors answered WebDAV's way. */
export async function dispatch(ctx: DavContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('dav', '1, 2').header('ms-author-via', 'DAV');
  try {
    const loc = parseDavPath(rawPathOf(req));
    if (req.method !== 'OPTIONS' && req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'PROPFIND') await checkIfHeader(ctx, req, loc);
    switch (req.method) {
      case 'OPTIONS': options(reply); return;
      case 'PROPFIND': return await propfind(ctx, req, reply, loc);
      case 'GET': return await getOrHead(ctx, req, reply, loc, false);
      case 'HEAD': return await getOrHead(ctx, req, reply, loc, true);
      case 'PUT': return await put(ctx, req, reply, loc);
      case 'DELETE': return await del(ctx, req, reply, loc);
      case 'MKCOL': return await mkcol(ctx, req, reply, loc);
      case 'COPY': return await copyOrMove(ctx, req, reply, loc, false);
      case 'MOVE': return await copyOrMove(ctx, req, reply, loc, true);
      case 'LOCK': return await lock(ctx, req, reply, loc);
      case 'UNLOCK': return await unlock(ctx, req, reply, loc);
      case 'PROPPATCH': return await proppatch(ctx, req, reply, loc);
      default: throw new DavError(405, 'Method not allowed', { allow: ALLOW });
    }
  } catch (e) {
    if (reply.sent) return;
    reply.removeHeader('etag').removeHeader('last-modified').removeHeader('content-length').type('application/json; charset=utf-8');
    if (e instanceof DavError) { reply.headers(e.headers).code(e.status).send({ detail: e.message }); return; }
    if (e instanceof LockedError) { reply.code(423).send({ detail: e.message }); return; }
    if (e instanceof HttpError) { reply.headers(e.headers).code(e.status).send({ detail: e.detail }); return; }
    if (e instanceof PathError) { reply.code(400).send({ detail: e.message }); return; }
    if (e instanceof ConflictError) { reply.code(409).send({ detail: e.message }); return; }
    if (e instanceof NotFoundError) { reply.code(409).send({ detail: 'A parent collection does not exist' }); return; }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') { reply.code(507).send({ detail: 'The server has no room left for this write' }); return; }
    if (code === 'ENOENT') { reply.code(409).send({ detail: 'A parent collection does not exist' }); return; }
    if (code === 'ENOTDIR') { reply.code(409).send({ detail: 'A parent of this path is a file' }); return; }
    throw e;
  }
}

