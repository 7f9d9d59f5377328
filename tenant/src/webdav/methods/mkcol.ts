// MKCOL: one new folder whose parent exists; a body is refused (415).
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../engine-types.ts';
import { lstatConfined, mkdirLeafConfined } from '../../fs/confined-fs.ts';
import { readDavBody } from '../dav-xml.ts';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import { ALLOW, type DavLocation } from '../dav-location.ts';

export async function mkcol(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  if (loc.projectSeg === null || !loc.rel) throw new DavError(405, 'The collection already exists', { allow: ALLOW });
  const body = await readDavBody(req.body as Readable | null);
  if (body.length) throw new DavError(415, 'MKCOL with a body is not supported');
  const p = await ctx.project(loc.projectSeg);
  const abs = ctx.locate(p, loc.rel, true);
  await ctx.engine.exclusive(p.name, ({ projectId }) => {
    if (lstatConfined(abs)) throw new DavError(405, `'${loc.rel}' already exists`, { allow: ALLOW });
    const parent = lstatConfined(path.dirname(abs));
    if (!parent?.isDirectory()) throw new DavError(409, 'The parent collection does not exist');
    ctx.locks.assertCanWrite(ctx.key(p, loc.rel), ctx.tokensOf(req));
    try { mkdirLeafConfined(abs); } catch (e) {
      if (e instanceof NotFoundError) throw new DavError(409, 'The parent collection does not exist');
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DavError(405, `'${loc.rel}' already exists`, { allow: ALLOW });
      throw e;
    }
    ctx.props().dropUnder(projectId, loc.rel);
  });
  reply.code(201).send();
}
