// The `If` header of a request (RFC 4918 §10.4) evaluated against the resources it names: their ETags and locks.
import type { FastifyRequest } from 'fastify';
import { confine } from '../fs/safe-path.ts';
import { DavError } from './dav-error.ts';
import { ifHolds, parseIfHeader, type IfState } from './dav-if.ts';
import type { DavContext } from './dav-context.ts';
import { destinationPath, etagOf, hrefPrefix, parseDavPath, type DavLocation } from './dav-location.ts';

/** The `If` header's state of a resource named by URL (null: the request's own): its ETag and the locks on it. */
async function ifStateOf(ctx: DavContext, req: FastifyRequest, loc: DavLocation, resource: string | null): Promise<IfState> {
  const none: IfState = { etag: null, tokens: new Set() };
  let where = loc;
  if (resource !== null) {
    try { where = parseDavPath(destinationPath(resource, hrefPrefix(req))); } catch { return none; }
  }
  if (where.projectSeg === null) return none;
  const p = ctx.runtime.registry.resolve(where.projectSeg);
  if (!p) return none;
  const tokens = new Set(ctx.locks.covering(ctx.key(p, where.rel)).map((l) => l.token));
  let abs: string;
  try { abs = confine(p.absPath, where.rel, { allowRoot: true, allowHidden: true }).abs; } catch { return { etag: null, tokens }; }
  const st = ctx.lstat(abs);
  const etag = st?.isFile() ? etagOf(await ctx.md5s().md5Of(await ctx.idOf(p), where.rel, abs, st)) : null;
  return { etag, tokens };
}

/** RFC 4918 §10.4: with an If header, the request proceeds only when one of its lists holds (else 412). */
export async function checkIfHeader(ctx: DavContext, req: FastifyRequest, loc: DavLocation): Promise<void> {
  const h = req.headers.if;
  if (typeof h !== 'string' || !h.trim() || loc.projectSeg === null) return;
  const lists = parseIfHeader(h);
  const states = new Map<string | null, IfState>();
  for (const l of lists) if (!states.has(l.resource)) states.set(l.resource, await ifStateOf(ctx, req, loc, l.resource));
  if (!ifHolds(lists, (r) => states.get(r)!)) throw new DavError(412, 'The If header\'s conditions do not hold for this resource');
}
