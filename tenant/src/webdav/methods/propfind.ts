// PROPFIND (RFC 4918 §9.1): the resource and, at Depth 1, its children; Depth infinity is refused.
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listDirStats, lstatConfined } from '../../fs/confined-fs.ts';
import { loadIgnoreRules } from '../../sync/ignore-rules.ts';
import { hrefOf, MULTISTATUS_HEAD, MULTISTATUS_TAIL, multistatusEntry, parsePropfind, readDavBody, type PropfindRequest } from '../dav-xml.ts';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import { DAV_MOUNT, hrefPrefix, type DavLocation } from '../dav-location.ts';

async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => { while (i < items.length) { const k = i++; out[k] = await fn(items[k]!); } }));
  return out;
}

export async function propfind(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  const depthH = String(req.headers.depth ?? 'infinity').trim().toLowerCase();
  if (depthH !== '0' && depthH !== '1') {
    reply.code(403).type('application/xml; charset=utf-8')
      .send('<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n');
    return;
  }
  const pf: PropfindRequest = parsePropfind(await readDavBody(req.body as Readable | null));
  const prefix = hrefPrefix(req);
  const base = prefix + DAV_MOUNT;
  const entries: string[] = [];
  if (loc.projectSeg === null) {
    // The mount itself: one collection per project.
    entries.push(multistatusEntry({ href: base + '/', name: 'webdav', collection: true, mtime: new Date() }, pf));
    if (depthH === '1') {
      for (const item of ctx.runtime.registry.list()) {
        const st = lstatConfined(item.absPath);
        if (st?.isDirectory()) entries.push(multistatusEntry({ href: base + hrefOf([item.name], true), name: item.name, collection: true, mtime: st.mtime }, pf));
      }
    }
  } else {
    const p = await ctx.project(loc.projectSeg);
    const abs = ctx.locate(p, loc.rel, false);
    const st = ctx.lstat(abs);
    if (!st) throw new DavError(404, `File: '${loc.rel}' does not exist`);
    const pid = await ctx.idOf(p);
    const segs = [loc.projectSeg, ...(loc.rel ? loc.rel.split('/') : [])];
    const name = loc.rel ? path.posix.basename(loc.rel) : loc.projectSeg;
    entries.push(multistatusEntry(await ctx.resourceOf(p, pid, loc.rel, abs, st, base + hrefOf(segs, st.isDirectory()), name, loc.projectSeg, prefix), pf));
    if (depthH === '1' && st.isDirectory()) {
      const rules = loadIgnoreRules(p.absPath);
      // One held fd lists and stats the children; links and specials are not part of the view.
      const dirents = listDirStats(abs).filter((d) => {
        const childRel = loc.rel ? `${loc.rel}/${d.name}` : d.name;
        if (d.st.isDirectory()) return !rules.ignoresDir(childRel, d.name);
        return d.st.isFile() && !rules.ignoresFile(childRel, d.name);
      });
      const children = await pool(dirents, 4, async (d) => {
        const childRel = loc.rel ? `${loc.rel}/${d.name}` : d.name;
        const childAbs = path.join(abs, d.name);
        return multistatusEntry(await ctx.resourceOf(p, pid, childRel, childAbs, d.st, base + hrefOf([...segs, d.name], d.st.isDirectory()), d.name,
          loc.projectSeg!, prefix), pf);
      });
      for (const c of children) if (c) entries.push(c);
    }
  }
  reply.code(207).type('application/xml; charset=utf-8').send(MULTISTATUS_HEAD + entries.join('') + MULTISTATUS_TAIL);
}
