// LOCK: a new lock (an unmapped URL gets an empty file, RFC 4918 §9.10.4) or, without a body, a refresh.
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PathError } from '../../engine-types.ts';
import { lstatConfined, removeTemp } from '../../fs/confined-fs.ts';
import { stageUpload, stagingDir } from '../../notes/put-resource.ts';
import { lockDiscoveryXml, parseLockBody, readDavBody } from '../dav-xml.ts';
import { DavError } from '../dav-error.ts';
import { lockTimeout } from '../dav-locks.ts';
import type { DavContext } from '../dav-context.ts';
import { hrefPrefix, type DavLocation } from '../dav-location.ts';

export async function lock(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  if (loc.projectSeg === null) throw new DavError(403, 'The WebDAV root cannot be locked');
  const p = await ctx.project(loc.projectSeg);
  const abs = ctx.locate(p, loc.rel, true);
  const info = parseLockBody(await readDavBody(req.body as Readable | null));
  const timeout = lockTimeout(req.headers.timeout as string | undefined);
  const k = ctx.key(p, loc.rel);
  const prefix = hrefPrefix(req);
  if (!info) {
    const l = ctx.locks.refresh(k, ctx.tokensOf(req), timeout);
    if (!l) throw new DavError(412, 'No lock with a submitted token covers this resource');
    reply.code(200).type('application/xml; charset=utf-8').send(lockDiscoveryXml(ctx.activeLock(l, p, loc.projectSeg, prefix)));
    return;
  }
  const depth = String(req.headers.depth ?? 'infinity').trim().toLowerCase() === '0' ? '0' : 'infinity';
  const l = ctx.locks.acquire(k, info.scope, depth, info.owner, timeout);
  let created = false;
  if (loc.rel && !lstatConfined(abs)) {
    // LOCK on an unmapped URL creates an empty resource (RFC 4918 §9.10.4); Finder does this before its PUT.
    try {
      const staged = await stageUpload(null, stagingDir(p.absPath, loc.rel), 0);
      try {
        await ctx.engine.putResource(p.name, loc.rel, staged, { precondition: (existing) => { if (existing) throw new DavError(409, 'created meanwhile'); } });
        created = true;
        ctx.props().dropUnder(await ctx.idOf(p), loc.rel);
      } catch (e) {
        if (!(e instanceof DavError && e.status === 409)) throw e; // created meanwhile: the lock stands on it
      } finally { removeTemp(staged.tmp); }
    } catch (e) {
      ctx.locks.release(k, l.token);
      if (e instanceof PathError) throw new DavError(409, e.message);
      throw e;
    }
  }
  reply.code(created ? 201 : 200).header('lock-token', `<${l.token}>`).type('application/xml; charset=utf-8')
    .send(lockDiscoveryXml(ctx.activeLock(l, p, loc.projectSeg, prefix)));
}
