// GET and HEAD of a file: ETag (the MD5), conditional requests, one byte range; a collection is 405.
import type fs from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, PathError } from '../../engine-types.ts';
import { openForRead } from '../../fs/confined-fs.ts';
import { contentTypeFor } from '../../notes/content-type.ts';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import { ALLOW, etagList, etagOf, type DavLocation } from '../dav-location.ts';

export async function getOrHead(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation, head: boolean): Promise<void> {
  if (loc.projectSeg === null) throw new DavError(405, 'GET is not supported on a collection; use PROPFIND', { allow: ALLOW });
  const p = await ctx.project(loc.projectSeg);
  const abs = ctx.locate(p, loc.rel, false);
  let handle: fs.promises.FileHandle;
  try {
    handle = await openForRead(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof NotFoundError || e instanceof PathError || code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') throw new DavError(404, `File: '${loc.rel}' does not exist`);
    throw e;
  }
  let handedOver = false;
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new DavError(405, 'GET is not supported on a collection; use PROPFIND', { allow: ALLOW });
    if (!st.isFile()) throw new DavError(404, `File: '${loc.rel}' does not exist`);
    const md5 = await ctx.md5s().md5Of(await ctx.idOf(p), loc.rel, abs, st, handle);
    const etag = etagOf(md5);
    reply.header('etag', etag).header('last-modified', st.mtime.toUTCString()).header('accept-ranges', 'bytes')
      .header('content-type', contentTypeFor(loc.rel));
    const inm = req.headers['if-none-match'];
    if (typeof inm === 'string' && (inm.trim() === '*' || etagList(inm).includes(md5))) { reply.code(304).send(); return; }
    const ims = req.headers['if-modified-since'];
    if (typeof ims === 'string' && inm === undefined && !Number.isNaN(Date.parse(ims)) && Math.floor(st.mtimeMs / 1000) <= Date.parse(ims) / 1000) {
      reply.code(304).send(); return;
    }
    let start = 0, end = st.size - 1, status = 200;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'];
    const rangeApplies = typeof range === 'string' && (ifRange === undefined || ifRange === etag || ifRange === st.mtime.toUTCString());
    if (rangeApplies) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] || m[2])) {
        if (m[1]) { start = Number(m[1]); end = m[2] ? Math.min(Number(m[2]), st.size - 1) : st.size - 1; }
        else { start = Math.max(0, st.size - Number(m[2])); end = st.size - 1; }
        if (start > end || start >= st.size) {
          reply.code(416).header('content-range', `bytes */${st.size}`).type('application/json; charset=utf-8').send({ detail: 'Range not satisfiable' }); return;
        }
        status = 206;
        reply.header('content-range', `bytes ${start}-${end}/${st.size}`);
      }
    }
    const length = st.size === 0 ? 0 : end - start + 1;
    reply.code(status).header('content-length', String(length));
    if (head || length === 0) { reply.send(); return; }
    handedOver = true;
    reply.send(handle.createReadStream({ start, end, autoClose: true }));
  } finally {
    if (!handedOver) await handle.close();
  }
}
