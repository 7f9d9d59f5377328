// UNLOCK: releases the lock named by Lock-Token on this resource.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import type { DavLocation } from '../dav-location.ts';

export async function unlock(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  if (loc.projectSeg === null) throw new DavError(409, 'Nothing is locked here');
  const p = await ctx.project(loc.projectSeg);
  ctx.locate(p, loc.rel, true);
  const m = /^<([^>]+)>$/.exec(String(req.headers['lock-token'] ?? '').trim());
  if (!m) throw new DavError(400, 'Lock-Token header is required');
  if (!ctx.locks.release(ctx.key(p, loc.rel), m[1]!)) throw new DavError(409, 'That lock token does not lock this resource');
  reply.code(204).send();
}

