// DELETE of a file or folder: into the tenant's trash (restorable), with its locks, MD5s and dead properties.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import type { DavLocation } from '../dav-location.ts';

export async function del(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  if (loc.projectSeg === null || !loc.rel) throw new DavError(403, 'A project cannot be deleted over WebDAV');
  const p = await ctx.project(loc.projectSeg);
  const abs = ctx.locate(p, loc.rel, true);
  const k = ctx.key(p, loc.rel);
  await ctx.engine.exclusive(p.name, ({ projectId }) => {
    if (!ctx.lstat(abs)) throw new DavError(404, `File: '${loc.rel}' does not exist`);
    ctx.locks.assertCanWrite(k, ctx.tokensOf(req), true);
    ctx.toTrash(p, loc.rel, abs);
    ctx.locks.dropUnder(k);
    ctx.md5s().forgetUnder(projectId, loc.rel);
    ctx.props().dropUnder(projectId, loc.rel);
  });
  ctx.kickSync(p);
  reply.code(204).send();
}
