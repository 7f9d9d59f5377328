// PUT of a file: streamed to a temp file under the upload cap and the quota, then the atomic, indexed write of
// put-resource.ts; If-Match / If-None-Match and locks are checked before the body is read and again at the rename.
import type fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, PathError } from '../../engine-types.ts';
import { lstatConfined, md5FileConfined, removeTemp } from '../../fs/confined-fs.ts';
import { stageUpload, stagingDir, UploadTooLargeError, type StagedUpload } from '../../notes/put-resource.ts';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import { ALLOW, etagList, etagOf, type DavLocation } from '../dav-location.ts';

/** mtime from the first of X-OC-Mtime / X-Timestamp / X-Mtime (unix seconds, may be fractional) or Last-Modified. */
function requestedMtime(h: FastifyRequest['headers']): number | undefined {
  for (const name of ['x-oc-mtime', 'x-timestamp', 'x-mtime']) {
    const v = h[name];
    if (typeof v !== 'string' || !v.trim()) continue;
    const n = Number(v.trim());
    if (!Number.isFinite(n) || n < 0 || n > 253402300799) throw new DavError(400, `${name} must be unix seconds`);
    return n;
  }
  const lm = h['last-modified'];
  if (typeof lm === 'string' && lm.trim()) {
    const t = Date.parse(lm);
    if (Number.isNaN(t)) throw new DavError(400, 'Last-Modified must be an HTTP date');
    return t / 1000;
  }
  return undefined;
}

export async function put(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  if (loc.projectSeg === null || !loc.rel) throw new DavError(405, 'PUT needs a file path inside a project', { allow: ALLOW });
  if (loc.trailingSlash) throw new DavError(409, 'PUT target must be a file, not a collection');
  const p = await ctx.project(loc.projectSeg);
  const abs = ctx.locate(p, loc.rel, true);
  const tokens = ctx.tokensOf(req);
  const k = ctx.key(p, loc.rel);
  ctx.locks.assertCanWrite(k, tokens);
  const mtime = requestedMtime(req.headers);
  const pid = await ctx.idOf(p);
  const ifNoneMatch = typeof req.headers['if-none-match'] === 'string' ? req.headers['if-none-match'].trim() : undefined;
  const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'].trim() : undefined;
  const checkPreconditions = (existing: fs.Stats | undefined) => {
    if (existing && !existing.isFile()) throw new DavError(409, `'${loc.rel}' is a collection`);
    if (ifNoneMatch !== undefined) {
      if (ifNoneMatch === '*' ? existing : existing && etagList(ifNoneMatch).includes(ctx.md5s().lookup(pid, loc.rel, existing) ?? md5FileConfined(abs))) {
        throw new DavError(412, `'${loc.rel}' already exists`);
      }
    }
    if (ifMatch !== undefined) {
      if (!existing) throw new DavError(412, `'${loc.rel}' does not exist`);
      if (ifMatch !== '*' && !etagList(ifMatch).includes(ctx.md5s().lookup(pid, loc.rel, existing) ?? md5FileConfined(abs))) throw new DavError(412, `'${loc.rel}' has changed`);
    }
  };
  // Checked before a byte is read (no point taking a body we will refuse), and again at the rename.
  const before = lstatConfined(abs) ?? undefined;
  checkPreconditions(before);
  const max = ctx.runtime.maxUploadBytes;
  const room = ctx.quotaRoom(before?.isFile() ? before.size : 0);
  const announced = Number(req.headers['content-length']);
  if (announced > max) throw new DavError(413, `Upload too large: the limit is ${max} bytes`, { connection: 'close' });
  if (announced > room) throw ctx.overQuota();
  let staged: StagedUpload;
  try {
    staged = await stageUpload((req.body ?? null) as Readable | null, stagingDir(p.absPath, loc.rel), Math.min(max, Math.max(0, room)));
  } catch (e) {
    if (e instanceof UploadTooLargeError) throw room < max ? ctx.overQuota() : new DavError(413, `Upload too large: the limit is ${max} bytes`, { connection: 'close' });
    if (e instanceof PathError) throw new DavError(409, e.message);
    throw e;
  }
  let created: boolean;
  try {
    const res = await ctx.engine.putResource(p.name, loc.rel, staged, {
      mtimeSeconds: mtime,
      precondition: (existing) => {
        checkPreconditions(existing);
        ctx.locks.assertCanWrite(k, tokens);
        if (staged.size > ctx.quotaRoom(existing?.isFile() ? existing.size : 0)) throw ctx.overQuota();
      },
    });
    created = !before; void res;
  } finally {
    removeTemp(staged.tmp);
  }
  const st = lstatConfined(abs);
  if (!st) throw new ConflictError(`'${loc.rel}' was removed right after it was written`);
  ctx.md5s().remember(pid, loc.rel, st, staged.md5);
  if (created) ctx.props().dropUnder(pid, loc.rel);
  reply.code(created ? 201 : 204).header('etag', etagOf(staged.md5)).header('last-modified', st.mtime.toUTCString());
  if (mtime !== undefined) reply.header('x-oc-mtime', 'accepted');
  reply.send();
}
