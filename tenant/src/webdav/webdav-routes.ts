// WebDAV (RFC 4918, class 1 and 2) over each project's files: `/webdav/{project}/{path}` on the tenant, reached by
// clients as `/proxy/webdav/{project}/{path}` through the control plane. Hand-written on fastify (see the README
// for why not a library): every path goes through the tenant's confinement (path-confinement.ts at the edge,
// safe-path.ts before the disk), uploads reuse the streamed, atomic, indexed PUT of put-resource.ts, and the
// signature check in front of every route is the tenant's own.
//
// Status codes are WebDAV's; error bodies are the tenant's JSON `{"detail": …}`.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, NotFoundError, PathError } from '../engine-types.ts';
import { hiddenPathMessage, hiddenSegment } from '../fs/visible-path.ts';
import { assertUploadable, stageUpload, stagingDir, UploadTooLargeError, type StagedUpload } from '../notes/put-resource.ts';
import { contentTypeFor, isMarkdown } from '../notes/content-type.ts';
import { confine } from '../fs/safe-path.ts';
import { copyFileConfined, listDirStats, lstatConfined, md5FileConfined, mkdirLeafConfined, openForRead, removeTemp, renameConfined } from '../fs/confined-fs.ts';
import { loadIgnoreRules } from '../sync/ignore-rules.ts';
import type { Project } from '../projects/project-registry.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { HttpError } from '../http/errors.ts';
import { confineRelPath } from '../http/path-confinement.ts';
import { hrefOf, LIVE_PROPS, lockDiscoveryXml, MULTISTATUS_HEAD, MULTISTATUS_TAIL, multistatusEntry, parseLockBody, parsePropertyUpdate,
  parsePropfind, readDavBody, type ActiveLock, type DavResource, type PropfindRequest } from './dav-xml.ts';
import { DavError } from './dav-error.ts';
import { xmlEscape } from './dav-xml-tree.ts';
import { LockedError, LockTable, lockTimeout, submittedTokens, type DavLock } from './dav-locks.ts';
import { Md5Cache } from '../repositories/webdav-md5-repository.ts';
import { DeadPropStore, MAX_PROP_BYTES, type PropChange } from '../repositories/webdav-props-repository.ts';
import { emptyElement, serializeElement } from './dav-xml-tree.ts';
import { ifHolds, parseIfHeader, type IfState } from './dav-if.ts';

const DAV_MOUNT = '/webdav';
const DAV_METHODS = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'] as const;
const ALLOW = DAV_METHODS.join(', ');
/** Header the control plane sets to the path its clients see in front of `/webdav` (e.g. `/proxy`): hrefs must match what they asked for. */
const HREF_PREFIX_HEADER = 'x-bm-href-prefix';

/** A location under /webdav: the project segment as sent (decoded) and the confined project-relative path. */
interface DavLocation { projectSeg: string | null; rel: string; trailingSlash: boolean }

function refusePath(): never { throw new DavError(400, 'Invalid path: it must stay inside the project'); }

/** Parses the path part of a URL (still percent-encoded) under the mount. */
function parseDavPath(rawPath: string): DavLocation {
  if (rawPath !== DAV_MOUNT && !rawPath.startsWith(DAV_MOUNT + '/')) throw new DavError(404, 'Not Found');
  // Clients percent-encode names; raw bytes outside ASCII are not valid in a request target.
  if (/[^\x21-\x7e]/.test(rawPath)) refusePath();
  const tail = rawPath.slice(DAV_MOUNT.length + 1);
  const trailingSlash = tail.endsWith('/');
  const [projectRaw = '', ...restRaw] = tail.split('/');
  if (!projectRaw) {
    if (restRaw.some((s) => s !== '')) refusePath();
    return { projectSeg: null, rel: '', trailingSlash };
  }
  const strict = (s: string) => {
    try { return decodeURIComponent(s); } catch { throw new DavError(400, 'Invalid path: names must be valid UTF-8, percent-encoded'); }
  };
  const projectSeg = strict(projectRaw);
  if (projectSeg === '.' || projectSeg === '..' || /[/\\\0]/.test(projectSeg)) refusePath();
  const restJoined = restRaw.join('/');
  strict(restJoined);
  let rel: string;
  try { rel = confineRelPath(restJoined, { encoded: true, allowEmpty: true, allowHidden: true }); } catch { refusePath(); }
  return { projectSeg, rel, trailingSlash };
}

/** `Destination` (absolute URL or path) → its path under the mount, without the client-side prefix. */
function destinationPath(header: string | undefined, prefix: string): string {
  if (!header) throw new DavError(400, 'Destination header is required');
  let p = header.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (scheme) p = p.slice(scheme[0].length) || '/';
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  if (prefix && p.startsWith(prefix + DAV_MOUNT)) p = p.slice(prefix.length);
  if (!p.startsWith(DAV_MOUNT + '/')) throw new DavError(502, 'Destination must be on this WebDAV server');
  return p;
}

function hrefPrefix(req: FastifyRequest): string {
  const v = req.headers[HREF_PREFIX_HEADER];
  return typeof v === 'string' && /^(\/[A-Za-z0-9._~-]+){0,4}$/.test(v) ? v : '';
}

function rawPathOf(req: FastifyRequest): string {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

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

const etagOf = (md5: string) => `"${md5}"`;
/** Entity tags listed in If-Match / If-None-Match (weak or strong; quotes dropped). */
function etagList(h: string): string[] { return h.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '')).filter(Boolean); }

async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => { while (i < items.length) { const k = i++; out[k] = await fn(items[k]!); } }));
  return out;
}

export function registerWebdavRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  for (const m of ['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'] as const) {
    if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
  }
  const engine = runtime.engine;
  const locks = new LockTable();
  // Locks live in memory: while a client holds one, the tenant is not idle (sleeping would drop it).
  runtime.activity.addHold(() => locks.anyLive());
  let md5Cache: Md5Cache | null = null;
  const md5s = () => (md5Cache ??= new Md5Cache(engine.indexDb));
  let propStore: DeadPropStore | null = null;
  const props = () => (propStore ??= new DeadPropStore(engine.indexDb));

  async function project(seg: string): Promise<Project> {
    let p = runtime.registry.resolve(seg);
    if (!p && runtime.ready) { await runtime.discover(); p = runtime.registry.resolve(seg); }
    if (!p) throw new DavError(404, `Project '${seg}' not found.`);
    return p;
  }
  /** The index's id of a project (the MD5 cache's key). */
  const idOf = async (p: Project): Promise<number> => engine.projectIdOf(p.name);

  const key = (p: Project, rel: string) => `${p.name}/${rel}`;
  const tokensOf = (req: FastifyRequest) => submittedTokens(req.headers.if as string | undefined);

  /** Confined absolute path; hidden or ignored paths are not part of the WebDAV view (writes 403, reads 404). */
  function locate(p: Project, rel: string, forWrite: boolean): string {
    let abs: string;
    // hidden paths pass confine() here so the check below answers WebDAV's way (403 write / 404 read)
    try { abs = confine(p.absPath, rel, { allowRoot: true, allowHidden: true }).abs; } catch (e) {
      if (e instanceof PathError) refusePath();
      throw e;
    }
    if (rel) {
      const hidden = hiddenSegment(rel);
      if (hidden !== null) {
        if (forWrite) throw new DavError(403, hiddenPathMessage(rel, hidden));
        throw new DavError(404, `File: '${rel}' does not exist`);
      }
      try { assertUploadable(p.absPath, rel); } catch (e) {
        if (forWrite) throw new DavError(403, (e as Error).message);
        throw new DavError(404, `File: '${rel}' does not exist`);
      }
    }
    return abs;
  }

  // Every stat walks from the data dir through held fds (confined-fs): a folder swapped for a link is refused, never followed.
  function lstat(abs: string): fs.Stats | undefined {
    const st = lstatConfined(abs);
    return st && (st.isFile() || st.isDirectory()) ? st : undefined; // symlinks and specials are not served
  }

  function kickSync(p: Project): void {
    void engine.sync(p.name, { trigger: 'api' }).catch((e) => runtime.logger.warn({ project: p.name, err: (e as Error).message }, 'webdav follow-up sync failed'));
  }

  /** Moves what is about to be deleted or overwritten into the data dir's trash (same filesystem: a rename), so it can be restored. */
  /** What WebDAV deletes or overwrites goes to the tenant's trash (listable and restorable like every API delete). */
  function toTrash(p: Project, rel: string, abs: string): void {
    runtime.trash.put(abs, { kind: isMarkdown(rel) ? 'note' : 'file', project: p.name, path: rel });
  }

  const quotaRoom = (replacedBytes: number) => runtime.quotaRoom(replacedBytes);
  // No `Connection: close` here: the rest of the body (at most the upload cap, checked first) is read and dropped, so
  // the answer is not lost to a reset while a client or the control plane's proxy is still sending.
  const overQuota = () => new DavError(507, `Storage quota exceeded: this account may store ${runtime.quotaBytes} bytes. Delete files or ask for more space.`);

  /** A lock as PROPFIND and LOCK show it: its root as the client names it, and the seconds it has left. */
  function activeLock(l: DavLock, p: Project, projectSeg: string, prefix: string): ActiveLock {
    const rel = l.key.slice(p.name.length + 1);
    const rootHref = prefix + DAV_MOUNT + hrefOf([projectSeg, ...(rel ? rel.split('/') : [])], false);
    return { ...l, rootHref, timeoutSeconds: Math.max(1, Math.ceil((l.expiresAt - Date.now()) / 1000)) };
  }

  async function resourceOf(p: Project, pid: number, rel: string, abs: string, st: fs.Stats, href: string, name: string,
    projectSeg: string, prefix: string): Promise<DavResource> {
    const dead = props().of(pid, rel);
    const held = locks.covering(key(p, rel)).map((l) => activeLock(l, p, projectSeg, prefix));
    if (st.isDirectory()) return { href, name, collection: true, mtime: st.mtime, ctime: st.birthtime, dead, locks: held };
    const md5 = await md5s().md5Of(pid, rel, abs, st);
    return { href, name, collection: false, size: st.size, mtime: st.mtime, ctime: st.birthtime, md5, contentType: contentTypeFor(rel), dead, locks: held };
  }

  // ─── methods ───────────────────────────────────────────────────────────────────────────────────

  async function propfind(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
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
        for (const item of runtime.registry.list()) {
          const st = lstatConfined(item.absPath);
          if (st?.isDirectory()) entries.push(multistatusEntry({ href: base + hrefOf([item.name], true), name: item.name, collection: true, mtime: st.mtime }, pf));
        }
      }
    } else {
      const p = await project(loc.projectSeg);
      const abs = locate(p, loc.rel, false);
      const st = lstat(abs);
      if (!st) throw new DavError(404, `File: '${loc.rel}' does not exist`);
      const pid = await idOf(p);
      const segs = [loc.projectSeg, ...(loc.rel ? loc.rel.split('/') : [])];
      const name = loc.rel ? path.posix.basename(loc.rel) : loc.projectSeg;
      entries.push(multistatusEntry(await resourceOf(p, pid, loc.rel, abs, st, base + hrefOf(segs, st.isDirectory()), name, loc.projectSeg, prefix), pf));
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
          return multistatusEntry(await resourceOf(p, pid, childRel, childAbs, d.st, base + hrefOf([...segs, d.name], d.st.isDirectory()), d.name,
            loc.projectSeg!, prefix), pf);
        });
        for (const c of children) if (c) entries.push(c);
      }
    }
    reply.code(207).type('application/xml; charset=utf-8').send(MULTISTATUS_HEAD + entries.join('') + MULTISTATUS_TAIL);
  }

  async function getOrHead(req: FastifyRequest, reply: FastifyReply, loc: DavLocation, head: boolean): Promise<void> {
    if (loc.projectSeg === null) throw new DavError(405, 'GET is not supported on a collection; use PROPFIND', { allow: ALLOW });
    const p = await project(loc.projectSeg);
    const abs = locate(p, loc.rel, false);
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
      const md5 = await md5s().md5Of(await idOf(p), loc.rel, abs, st, handle);
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

  async function put(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
    if (loc.projectSeg === null || !loc.rel) throw new DavError(405, 'PUT needs a file path inside a project', { allow: ALLOW });
    if (loc.trailingSlash) throw new DavError(409, 'PUT target must be a file, not a collection');
    const p = await project(loc.projectSeg);
    const abs = locate(p, loc.rel, true);
    const tokens = tokensOf(req);
    const k = key(p, loc.rel);
    locks.assertCanWrite(k, tokens);
    const mtime = requestedMtime(req.headers);
    const pid = await idOf(p);
    const ifNoneMatch = typeof req.headers['if-none-match'] === 'string' ? req.headers['if-none-match'].trim() : undefined;
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'].trim() : undefined;
    const checkPreconditions = (existing: fs.Stats | undefined) => {
      if (existing && !existing.isFile()) throw new DavError(409, `'${loc.rel}' is a collection`);
      if (ifNoneMatch !== undefined) {
        if (ifNoneMatch === '*' ? existing : existing && etagList(ifNoneMatch).includes(md5s().lookup(pid, loc.rel, existing) ?? md5FileConfined(abs))) {
          throw new DavError(412, `'${loc.rel}' already exists`);
        }
      }
      if (ifMatch !== undefined) {
        if (!existing) throw new DavError(412, `'${loc.rel}' does not exist`);
        if (ifMatch !== '*' && !etagList(ifMatch).includes(md5s().lookup(pid, loc.rel, existing) ?? md5FileConfined(abs))) throw new DavError(412, `'${loc.rel}' has changed`);
      }
    };
    // Checked before a byte is read (no point taking a body we will refuse), and again at the rename.
    const before = lstatConfined(abs) ?? undefined;
    checkPreconditions(before);
    const max = runtime.maxUploadBytes;
    const room = quotaRoom(before?.isFile() ? before.size : 0);
    const announced = Number(req.headers['content-length']);
    if (announced > max) throw new DavError(413, `Upload too large: the limit is ${max} bytes`, { connection: 'close' });
    if (announced > room) throw overQuota();
    let staged: StagedUpload;
    try {
      staged = await stageUpload((req.body ?? null) as Readable | null, stagingDir(p.absPath, loc.rel), Math.min(max, Math.max(0, room)));
    } catch (e) {
      if (e instanceof UploadTooLargeError) throw room < max ? overQuota() : new DavError(413, `Upload too large: the limit is ${max} bytes`, { connection: 'close' });
      if (e instanceof PathError) throw new DavError(409, e.message);
      throw e;
    }
    let created: boolean;
    try {
      const res = await engine.putResource(p.name, loc.rel, staged, {
        mtimeSeconds: mtime,
        precondition: (existing) => {
          checkPreconditions(existing);
          locks.assertCanWrite(k, tokens);
          if (staged.size > quotaRoom(existing?.isFile() ? existing.size : 0)) throw overQuota();
        },
      });
      created = !before; void res;
    } finally {
      removeTemp(staged.tmp);
    }
    const st = lstatConfined(abs);
    if (!st) throw new ConflictError(`'${loc.rel}' was removed right after it was written`);
    md5s().remember(pid, loc.rel, st, staged.md5);
    if (created) props().dropUnder(pid, loc.rel);
    reply.code(created ? 201 : 204).header('etag', etagOf(staged.md5)).header('last-modified', st.mtime.toUTCString());
    if (mtime !== undefined) reply.header('x-oc-mtime', 'accepted');
    reply.send();
  }

  async function del(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
    if (loc.projectSeg === null || !loc.rel) throw new DavError(403, 'A project cannot be deleted over WebDAV');
    const p = await project(loc.projectSeg);
    const abs = locate(p, loc.rel, true);
    const k = key(p, loc.rel);
    await engine.exclusive(p.name, ({ projectId }) => {
      if (!lstat(abs)) throw new DavError(404, `File: '${loc.rel}' does not exist`);
      locks.assertCanWrite(k, tokensOf(req), true);
      toTrash(p, loc.rel, abs);
      locks.dropUnder(k);
      md5s().forgetUnder(projectId, loc.rel);
      props().dropUnder(projectId, loc.rel);
    });
    kickSync(p);
    reply.code(204).send();
  }

  async function mkcol(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
    if (loc.projectSeg === null || !loc.rel) throw new DavError(405, 'The collection already exists', { allow: ALLOW });
    const body = await readDavBody(req.body as Readable | null);
    if (body.length) throw new DavError(415, 'MKCOL with a body is not supported');
    const p = await project(loc.projectSeg);
    const abs = locate(p, loc.rel, true);
    await engine.exclusive(p.name, ({ projectId }) => {
      if (lstatConfined(abs)) throw new DavError(405, `'${loc.rel}' already exists`, { allow: ALLOW });
      const parent = lstatConfined(path.dirname(abs));
      if (!parent?.isDirectory()) throw new DavError(409, 'The parent collection does not exist');
      locks.assertCanWrite(key(p, loc.rel), tokensOf(req));
      try { mkdirLeafConfined(abs); } catch (e) {
        if (e instanceof NotFoundError) throw new DavError(409, 'The parent collection does not exist');
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DavError(405, `'${loc.rel}' already exists`, { allow: ALLOW });
        throw e;
      }
      props().dropUnder(projectId, loc.rel);
    });
    reply.code(201).send();
  }

  function copyTree(p: Project, srcRel: string, srcAbs: string, destAbs: string, depthInfinity: boolean, room: { left: number }): void {
    const st = lstat(srcAbs)!;
    if (st.isFile()) {
      room.left -= st.size;
      if (room.left < 0) throw overQuota();
      copyFileConfined(srcAbs, destAbs); // atomic (temp, fsync, rename), keeps the mtime
      return;
    }
    mkdirLeafConfined(destAbs);
    if (!depthInfinity) return;
    const rules = loadIgnoreRules(p.absPath);
    for (const d of listDirStats(srcAbs)) {
      const childRel = `${srcRel}/${d.name}`;
      if (d.st.isDirectory() ? rules.ignoresDir(childRel, d.name) : !d.st.isFile() || rules.ignoresFile(childRel, d.name)) continue;
      copyTree(p, childRel, path.join(srcAbs, d.name), path.join(destAbs, d.name), true, room);
    }
  }

  function treeBytes(abs: string): number {
    const st = lstat(abs);
    if (!st) return 0;
    if (st.isFile()) return st.size;
    let n = 0;
    for (const d of listDirStats(abs)) n += d.st.isDirectory() ? treeBytes(path.join(abs, d.name)) : d.st.isFile() ? d.st.size : 0;
    return n;
  }

  async function copyOrMove(req: FastifyRequest, reply: FastifyReply, loc: DavLocation, move: boolean): Promise<void> {
    if (loc.projectSeg === null || !loc.rel) throw new DavError(403, `A project cannot be ${move ? 'moved' : 'copied'} over WebDAV`);
    const p = await project(loc.projectSeg);
    const srcAbs = locate(p, loc.rel, move);
    const dloc = parseDavPath(destinationPath(req.headers.destination as string | undefined, hrefPrefix(req)));
    if (dloc.projectSeg === null || !dloc.rel) throw new DavError(403, 'The destination must be a path inside a project');
    const dp = await project(dloc.projectSeg);
    if (dp.name !== p.name) throw new DavError(403, `${move ? 'MOVE' : 'COPY'} stays inside one project: '${p.name}' → '${dp.name}' refused`);
    if (dloc.rel === loc.rel || dloc.rel.startsWith(loc.rel + '/')) throw new DavError(403, 'The destination is the source or inside it');
    const destAbs = locate(p, dloc.rel, true);
    const overwriteH = String(req.headers.overwrite ?? 'T').trim().toUpperCase();
    if (overwriteH !== 'T' && overwriteH !== 'F') throw new DavError(400, 'Overwrite must be T or F');
    const depthH = String(req.headers.depth ?? 'infinity').trim().toLowerCase();
    if (depthH !== '0' && depthH !== 'infinity') throw new DavError(400, 'Depth must be 0 or infinity');
    const tokens = tokensOf(req);
    const existed = await engine.exclusive(p.name, ({ projectId }) => {
      const st = lstat(srcAbs);
      if (!st) throw new DavError(404, `File: '${loc.rel}' does not exist`);
      const parent = lstatConfined(path.dirname(destAbs));
      if (!parent?.isDirectory()) throw new DavError(409, 'The destination\'s parent collection does not exist');
      if (move) locks.assertCanWrite(key(p, loc.rel), tokens, true);
      locks.assertCanWrite(key(p, dloc.rel), tokens, true);
      const destSt = lstatConfined(destAbs);
      if (destSt && overwriteH === 'F') throw new DavError(412, `'${dloc.rel}' exists and Overwrite is F`);
      if (!move) {
        const room = { left: quotaRoom(destSt ? treeBytes(destAbs) : 0) };
        if (room.left < treeBytes(srcAbs)) throw overQuota();
      }
      if (destSt) toTrash(p, dloc.rel, destAbs);
      if (move) {
        renameConfined(srcAbs, destAbs); // fsyncs both folders
        locks.dropUnder(key(p, loc.rel));
        md5s().forgetUnder(projectId, loc.rel);
        props().moveUnderTo(projectId, loc.rel, dloc.rel);
      } else {
        copyTree(p, loc.rel, srcAbs, destAbs, depthH === 'infinity', { left: Infinity });
        props().copyUnderTo(projectId, loc.rel, dloc.rel, depthH === 'infinity');
      }
      md5s().forgetUnder(projectId, dloc.rel);
      return !!destSt;
    });
    kickSync(p);
    reply.code(existed ? 204 : 201).send();
  }

  async function lock(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
    if (loc.projectSeg === null) throw new DavError(403, 'The WebDAV root cannot be locked');
    const p = await project(loc.projectSeg);
    const abs = locate(p, loc.rel, true);
    const info = parseLockBody(await readDavBody(req.body as Readable | null));
    const timeout = lockTimeout(req.headers.timeout as string | undefined);
    const k = key(p, loc.rel);
    const prefix = hrefPrefix(req);
    if (!info) {
      const l = locks.refresh(k, tokensOf(req), timeout);
      if (!l) throw new DavError(412, 'No lock with a submitted token covers this resource');
      reply.code(200).type('application/xml; charset=utf-8').send(lockDiscoveryXml(activeLock(l, p, loc.projectSeg, prefix)));
      return;
    }
    const depth = String(req.headers.depth ?? 'infinity').trim().toLowerCase() === '0' ? '0' : 'infinity';
    const l = locks.acquire(k, info.scope, depth, info.owner, timeout);
    let created = false;
    if (loc.rel && !lstatConfined(abs)) {
      // LOCK on an unmapped URL creates an empty resource (RFC 4918 §9.10.4); Finder does this before its PUT.
      try {
        const staged = await stageUpload(null, stagingDir(p.absPath, loc.rel), 0);
        try {
          await engine.putResource(p.name, loc.rel, staged, { precondition: (existing) => { if (existing) throw new DavError(409, 'created meanwhile'); } });
          created = true;
          props().dropUnder(await idOf(p), loc.rel);
        } catch (e) {
          if (!(e instanceof DavError && e.status === 409)) throw e; // created meanwhile: the lock stands on it
        } finally { removeTemp(staged.tmp); }
      } catch (e) {
        locks.release(k, l.token);
        if (e instanceof PathError) throw new DavError(409, e.message);
        throw e;
      }
    }
    reply.code(created ? 201 : 200).header('lock-token', `<${l.token}>`).type('application/xml; charset=utf-8')
      .send(lockDiscoveryXml(activeLock(l, p, loc.projectSeg, prefix)));
  }

  async function unlock(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
    if (loc.projectSeg === null) throw new DavError(409, 'Nothing is locked here');
    const p = await project(loc.projectSeg);
    locate(p, loc.rel, true);
    const m = /^<([^>]+)>$/.exec(String(req.headers['lock-token'] ?? '').trim());
    if (!m) throw new DavError(400, 'Lock-Token header is required');
    if (!locks.release(key(p, loc.rel), m[1]!)) throw new DavError(409, 'That lock token does not lock this resource');
    reply.code(204).send();
  }

  // Dead properties are stored (repositories/webdav-props-repository.ts); DAV: live properties are computed from the file and are protected.
  // The whole update applies or none of it does: a refused property is 403 (or 507 past the per-resource caps)
  // and every other one in the request is 424 Failed Dependency (RFC 4918 §9.2).
  async function proppatch(req: FastifyRequest, reply: FastifyReply, loc: DavLocation): Promise<void> {
    if (loc.projectSeg === null) throw new DavError(403, 'The WebDAV root has no writable properties');
    const p = await project(loc.projectSeg);
    const abs = locate(p, loc.rel, true);
    const st = lstat(abs);
    if (!st) throw new DavError(404, `File: '${loc.rel}' does not exist`);
    locks.assertCanWrite(key(p, loc.rel), tokensOf(req));
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
    const pid = await idOf(p);
    if (!refused.size && !props().apply(pid, loc.rel, changes)) {
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

  /** The `If` header's state of a resource named by URL (null: the request's own): its ETag and the locks on it. */
  async function ifStateOf(req: FastifyRequest, loc: DavLocation, resource: string | null): Promise<IfState> {
    const none: IfState = { etag: null, tokens: new Set() };
    let where = loc;
    if (resource !== null) {
      try { where = parseDavPath(destinationPath(resource, hrefPrefix(req))); } catch { return none; }
    }
    if (where.projectSeg === null) return none;
    const p = runtime.registry.resolve(where.projectSeg);
    if (!p) return none;
    const tokens = new Set(locks.covering(key(p, where.rel)).map((l) => l.token));
    let abs: string;
    try { abs = confine(p.absPath, where.rel, { allowRoot: true, allowHidden: true }).abs; } catch { return { etag: null, tokens }; }
    const st = lstat(abs);
    const etag = st?.isFile() ? etagOf(await md5s().md5Of(await idOf(p), where.rel, abs, st)) : null;
    return { etag, tokens };
  }

  /** RFC 4918 §10.4: with an If header, the request proceeds only when one of its lists holds (else 412). */
  async function checkIfHeader(req: FastifyRequest, loc: DavLocation): Promise<void> {
    const h = req.headers.if;
    if (typeof h !== 'string' || !h.trim() || loc.projectSeg === null) return;
    const lists = parseIfHeader(h);
    const states = new Map<string | null, IfState>();
    for (const l of lists) if (!states.has(l.resource)) states.set(l.resource, await ifStateOf(req, loc, l.resource));
    if (!ifHolds(lists, (r) => states.get(r)!)) throw new DavError(412, 'The If header\'s conditions do not hold for this resource');
  }

  // Returns the reply: fastify then waits for what was sent (a stream included) instead of ending the response.
  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    await dispatch(req, reply);
    return reply;
  }

  async function dispatch(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.header('dav', '1, 2').header('ms-author-via', 'DAV');
    try {
      const loc = parseDavPath(rawPathOf(req));
      if (req.method !== 'OPTIONS' && req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'PROPFIND') await checkIfHeader(req, loc);
      switch (req.method) {
        case 'OPTIONS': reply.code(200).header('allow', ALLOW).header('content-length', '0').send(); return;
        case 'PROPFIND': return await propfind(req, reply, loc);
        case 'GET': return await getOrHead(req, reply, loc, false);
        case 'HEAD': return await getOrHead(req, reply, loc, true);
        case 'PUT': return await put(req, reply, loc);
        case 'DELETE': return await del(req, reply, loc);
        case 'MKCOL': return await mkcol(req, reply, loc);
        case 'COPY': return await copyOrMove(req, reply, loc, false);
        case 'MOVE': return await copyOrMove(req, reply, loc, true);
        case 'LOCK': return await lock(req, reply, loc);
        case 'UNLOCK': return await unlock(req, reply, loc);
        case 'PROPPATCH': return await proppatch(req, reply, loc);
        default: throw new DavError(405, 'Method not allowed', { allow: ALLOW });
      }
    } catch (e) {
      if (reply.sent) return;
      reply.removeHeader('etag').removeHeader('last-modified').removeHeader('content-length').type('application/json; charset=utf-8');
      if (e instanceof DavError) { reply.headers(e.headers).code(e.status).send({ detail: e.message }); return; }
      if (e instanceof LockedError) { reply.code(423).send({ detail: e.message }); return; }
      if (e instanceof HttpError) { reply.headers(e.headers).code(e.status).send({ detail: e.detail }); return; }
      if (e instanceof PathError) { reply.code(400).send({ detail: e.message }); return; }
      if (e instanceof ConflictError) { reply.code(409).send({ detail: e.message }); return; }
      if (e instanceof NotFoundError) { reply.code(409).send({ detail: 'A parent collection does not exist' }); return; }
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') { reply.code(507).send({ detail: 'The server has no room left for this write' }); return; }
      if (code === 'ENOENT') { reply.code(409).send({ detail: 'A parent collection does not exist' }); return; }
      if (code === 'ENOTDIR') { reply.code(409).send({ detail: 'A parent of this path is a file' }); return; }
      throw e;
    }
  }

  app.register(async (scope) => {
    // Bodies stay streams here (uploads are streamed to disk; XML bodies are read under a cap).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => { done(null, payload); });
    scope.route({ method: [...DAV_METHODS], url: DAV_MOUNT, handler: handle, exposeHeadRoute: false });
    scope.route({ method: [...DAV_METHODS], url: `${DAV_MOUNT}/*`, handler: handle, exposeHeadRoute: false });
  });
}
