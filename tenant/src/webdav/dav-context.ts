// What every WebDAV method shares for one tenant: the project lookup, confinement to the WebDAV view, the locks, the
// MD5 and dead-property stores, the trash, the quota and the follow-up sync.
import type fs from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { PathError } from '../engine-types.ts';
import { hiddenPathMessage, hiddenSegment } from '../fs/visible-path.ts';
import { assertUploadable } from '../notes/put-resource.ts';
import { contentTypeFor, isMarkdown } from '../notes/content-type.ts';
import { confine } from '../fs/safe-path.ts';
import { lstatConfined } from '../fs/confined-fs.ts';
import type { Project } from '../projects/project-registry.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { Md5Cache } from '../repositories/webdav-md5-repository.ts';
import { DeadPropStore } from '../repositories/webdav-props-repository.ts';
import { hrefOf, type ActiveLock, type DavResource } from './dav-xml.ts';
import { DavError } from './dav-error.ts';
import { LockTable, submittedTokens, type DavLock } from './dav-locks.ts';
import { DAV_MOUNT, refusePath } from './dav-location.ts';

export type DavContext = ReturnType<typeof createDavContext>;

export function createDavContext(runtime: TenantRuntime) {
  const engine = runtime.engine;
  const locks = new LockTable();
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

  /** What WebDAV deletes or overwrites goes to the tenant's trash (listable and restorable like every API delete). */
  function toTrash(p: Project, rel: string, abs: string, reason: 'delete' | 'overwrite' = 'delete'): void {
    runtime.trash.put(abs, { kind: isMarkdown(rel) ? 'note' : 'file', project: p.name, path: rel, reason });
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

  return { runtime, engine, locks, md5s, props, project, idOf, key, tokensOf, locate, lstat, kickSync, toTrash, quotaRoom, overQuota, activeLock, resourceOf };
}
