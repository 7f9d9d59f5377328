// COPY and MOVE inside one project: Overwrite, Depth, locks on both ends, the quota for copies; what is overwritten
// goes to the trash first.
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { copyFileConfined, listDirStats, lstatConfined, mkdirLeafConfined, renameConfined } from '../../fs/confined-fs.ts';
import type { Project } from '../../projects/project-registry.ts';
import { loadIgnoreRules } from '../../sync/ignore-rules.ts';
import { DavError } from '../dav-error.ts';
import type { DavContext } from '../dav-context.ts';
import { destinationPath, hrefPrefix, parseDavPath, type DavLocation } from '../dav-location.ts';
import { keepVersion } from '../../history/note-history.ts';

function copyTree(ctx: DavContext, p: Project, srcRel: string, srcAbs: string, destAbs: string, depthInfinity: boolean, room: { left: number }): void {
  const st = ctx.lstat(srcAbs)!;
  if (st.isFile()) {
    room.left -= st.size;
    if (room.left < 0) throw ctx.overQuota();
    copyFileConfined(srcAbs, destAbs); // atomic (temp, fsync, rename), keeps the mtime
    return;
  }
  mkdirLeafConfined(destAbs);
  if (!depthInfinity) return;
  const rules = loadIgnoreRules(p.absPath);
  for (const d of listDirStats(srcAbs)) {
    const childRel = `${srcRel}/${d.name}`;
    if (d.st.isDirectory() ? rules.ignoresDir(childRel, d.name) : !d.st.isFile() || rules.ignoresFile(childRel, d.name)) continue;
    copyTree(ctx, p, childRel, path.join(srcAbs, d.name), path.join(destAbs, d.name), true, room);
  }
}

function treeBytes(ctx: DavContext, abs: string): number {
  const st = ctx.lstat(abs);
  if (!st) return 0;
  if (st.isFile()) return st.size;
  let n = 0;
  for (const d of listDirStats(abs)) n += d.st.isDirectory() ? treeBytes(ctx, path.join(abs, d.name)) : d.st.isFile() ? d.st.size : 0;
  return n;
}

export async function copyOrMove(ctx: DavContext, req: FastifyRequest, reply: FastifyReply, loc: DavLocation, move: boolean): Promise<void> {
  if (loc.projectSeg === null || !loc.rel) throw new DavError(403, `A project cannot be ${move ? 'moved' : 'copied'} over WebDAV`);
  const p = await ctx.project(loc.projectSeg);
  const srcAbs = ctx.locate(p, loc.rel, move);
  const dloc = parseDavPath(destinationPath(req.headers.destination as string | undefined, hrefPrefix(req)));
  if (dloc.projectSeg === null || !dloc.rel) throw new DavError(403, 'The destination must be a path inside a project');
  const dp = await ctx.project(dloc.projectSeg);
  if (dp.name !== p.name) throw new DavError(403, `${move ? 'MOVE' : 'COPY'} stays inside one project: '${p.name}' → '${dp.name}' refused`);
  if (dloc.rel === loc.rel || dloc.rel.startsWith(loc.rel + '/')) throw new DavError(403, 'The destination is the source or inside it');
  const destAbs = ctx.locate(p, dloc.rel, true);
  const overwriteH = String(req.headers.overwrite ?? 'T').trim().toUpperCase();
  if (overwriteH !== 'T' && overwriteH !== 'F') throw new DavError(400, 'Overwrite must be T or F');
  const depthH = String(req.headers.depth ?? 'infinity').trim().toLowerCase();
  if (depthH !== '0' && depthH !== 'infinity') throw new DavError(400, 'Depth must be 0 or infinity');
  const tokens = ctx.tokensOf(req);
  const existed = await ctx.engine.exclusive(p.name, ({ projectId }) => {
    const st = ctx.lstat(srcAbs);
    if (!st) throw new DavError(404, `File: '${loc.rel}' does not exist`);
    const parent = lstatConfined(path.dirname(destAbs));
    if (!parent?.isDirectory()) throw new DavError(409, 'The destination\'s parent collection does not exist');
    if (move) ctx.locks.assertCanWrite(ctx.key(p, loc.rel), tokens, true);
    ctx.locks.assertCanWrite(ctx.key(p, dloc.rel), tokens, true);
    const destSt = lstatConfined(destAbs);
    if (destSt && overwriteH === 'F') throw new DavError(412, `'${dloc.rel}' exists and Overwrite is F`);
    if (!move) {
      const room = { left: ctx.quotaRoom(destSt ? treeBytes(ctx, destAbs) : 0) };
      if (room.left < treeBytes(ctx, srcAbs)) throw ctx.overQuota();
    }
    if (destSt) ctx.toTrash(p, dloc.rel, destAbs, 'overwrite');
    if (move) {
      if (st.isFile()) keepVersion(srcAbs, 'move', { movedToAbs: destAbs });
      renameConfined(srcAbs, destAbs); // fsyncs both folders
      ctx.locks.dropUnder(ctx.key(p, loc.rel));
      ctx.md5s().forgetUnder(projectId, loc.rel);
      ctx.props().moveUnderTo(projectId, loc.rel, dloc.rel);
    } else {
      copyTree(ctx, p, loc.rel, srcAbs, destAbs, depthH === 'infinity', { left: Infinity });
      ctx.props().copyUnderTo(projectId, loc.rel, dloc.rel, depthH === 'infinity');
    }
    ctx.md5s().forgetUnder(projectId, dloc.rel);
    return !!destSt;
  });
  ctx.kickSync(p);
  reply.code(existed ? 204 : 201).send();
}
