// PROPPATCH (RFC 4918 §9.2): dead properties set or removed, all or none.
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hrefOf, LIVE_PROPS, MULTISTATUS_HEAD, MULTISTATUS_TAIL, parsePropertyUpdate, readDavBody } from '../dav-xml.ts';
import { DavError } from '../dav-error.ts';
import { emptyElement, serializeElement, xmlEscape } from '../dav-xml-tree.ts';
import { MAX_PROP_BYTES, type PropChange } from '../../repositories/webdav-props-repository.ts';
import type { DavContext } from '../dav-context.ts';
import { DAV_MOUNT, hrefPrefix, type DavLocation } from '../dav-location.ts';

// Dead properties are stored (repositories/webdav-props-repository.ts); DAV: live properties are computed from the file and are protected.
// The whole update applies or none of it does: a refused property is 403 (or 507 past the per-resource caps)
// and every other one in the request is 424 Failed Dependency (RFC 4918 §9.2).
export async function proppatch(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
  if (loc.projectSeg === null) throw new DavError(403, 'The WebDAV root has no writable properties');
  const p = await ctx.project(loc.projectSeg);
  const abs = ctx.locate(p, loc.rel, true);
  const st = ctx.lstat(abs);
  if (!st) throw new DavError(404, `File: '${loc.rel}' does not exist`);
  ctx.locks.assertCanWrite(ctx.key(p, loc.rel), ctx.tokensOf(req));
  const updates = parsePropertyUpdate(await readDavBody(req.body as Readable | null));
  const changes: PropChange[] = [];
  const refused = new Map<number, { status: string; why: string }>();
  updates.forEach((u, i) => {
    const { ns, local } = u.el;
    if (ns === 'DAV:' && ((LIVE_PROPS as readonly string[]).includes(local) || local === 'getcontentlanguage')) {
      refused.set(i, { status: '403 Forbidden', why: `DAV:${local} is a live property computed by the server` });
      return;
    }
    if (u.op === 'remove') { changes.push({ op: 'remove', ns, name: local }); return; }
    const xml = serializeElement(u.el);
    if (Buffer.byteLength(xml) > MAX_PROP_BYTES) refused.set(i, { status: '507 Insufficient Storage', why: `A property value may be at most ${MAX_PROP_BYTES} bytes` });
    else changes.push({ op: 'set', ns, name: local, xml });
  });
  const pid = await ctx.idOf(p);
  if (!refused.size && !ctx.props().apply(pid, loc.rel, changes)) {
    updates.forEach((_u, i) => { refused.set(i, { status: '507 Insufficient Storage', why: 'This resource carries as many properties as it may' }); });
  }
  const href = hrefPrefix(req) + DAV_MOUNT + hrefOf([loc.projectSeg, ...(loc.rel ? loc.rel.split('/') : [])], st.isDirectory());
  const nameOf = (i: number) => emptyElement(updates[i]!.el.ns, updates[i]!.el.local);
  let body = `<D:response><D:href>${xmlEscape(href)}</D:href>`;
  if (!refused.size) {
    body += `<D:propstat><D:prop>${updates.map((_u, i) => nameOf(i)).join('')}</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>`;
  } else {
    for (const [i, r] of refused) {
      body += `<D:propstat><D:prop>${nameOf(i)}</D:prop><D:status>HTTP/1.1 ${r.status}</D:status>`
        + (r.status.startsWith('403') ? '<D:error><D:cannot-modify-protected-property/></D:error>' : '')
        + `<D:responsedescription>${xmlEscape(r.why)}</D:responsedescription></D:propstat>`;
    }
    const rest = updates.map((_u, i) => i).filter((i) => !refused.has(i));
    if (rest.length) body += `<D:propstat><D:prop>${rest.map(nameOf).join('')}</D:prop><D:status>HTTP/1.1 424 Failed Dependency</D:status></D:propstat>`;
  }
  reply.code(207).type('application/xml; charset=utf-8').send(`${MULTISTATUS_HEAD}${body}</D:response>${MULTISTATUS_TAIL}`);
}
