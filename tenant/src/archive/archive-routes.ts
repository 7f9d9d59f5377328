// A project (or one of its folders) as a ZIP, and a ZIP into a project: the dashboard's "download" and "upload".
//   GET  /{project}/archive.zip[?folder=rel]   streamed (yazl): files are read one at a time while the answer goes out
//   POST /{project}/archive[?folder=rel]       body = a ZIP (capped at --max-upload-mb), spooled to a hidden temp file
//                                              (a ZIP's directory is at its end), then each entry is written like any
//                                              other upload: confined, hidden/ignored names refused, quota, atomic, indexed.
// Entries that cannot be written are reported and skipped; nothing else is touched.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { z } from 'zod';
import { PathError } from '../engine-types.ts';
import { assertUploadable, stageUpload, stagingDir, UploadTooLargeError } from '../notes/put-resource.ts';
import { isMarkdown } from '../notes/content-type.ts';
import { lstatConfined, openForRead, removeTemp, walkFilesConfined } from '../fs/confined-fs.ts';
import { loadIgnoreRules } from '../sync/ignore-rules.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { HttpError } from '../http/errors.ts';
import { assertInsideProject, confineRelPath } from '../http/path-confinement.ts';
import { projectFromRequest } from '../http/project-param.ts';
import { parseQuery } from '../http/query-params.ts';

/** Most entries one uploaded ZIP may hold (a ZIP of a million empty names is a denial of service, not a project). */
const MAX_ZIP_ENTRIES = 20_000;

const FolderQuery = z.object({ folder: z.string().max(2048).default('') });

function folderOf(req: FastifyRequest): string {
  const q = parseQuery(req, FolderQuery);
  return confineRelPath(q.folder, { leadingSlashIsRoot: true, allowEmpty: true });
}

/** Files under `dir` (project-relative), depth first, sorted, skipping what the sync ignores and every symlink (walked through held fds). */
function walkFiles(root: string, dir: string): Generator<{ rel: string; abs: string; st: fs.Stats }> {
  const rules = loadIgnoreRules(root);
  return walkFilesConfined(root, dir, (rel, name, isDir) => (isDir ? !rules.ignoresDir(rel, name) : !rules.ignoresFile(rel, name)));
}

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'project';
}

interface ZipUploadReport { written: string[]; skipped: { path: string; reason: string }[]; bytes: number }

export function registerArchiveRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const engine = runtime.engine;

  app.get('/:project/archive.zip', async (req, reply) => {
    const folder = folderOf(req);
    const p = await projectFromRequest(req, runtime);
    const dirAbs = assertInsideProject(p.absPath, folder);
    if (folder && !lstatConfined(dirAbs)?.isDirectory()) throw new HttpError(404, `Folder '${folder}' not found`);
    const zip = new yazl.ZipFile();
    // A file that cannot be read when its turn comes (removed, or its folder swapped for a link): the download is
    // cut off (the client sees a broken transfer, never a silently short archive) and the process lives on.
    zip.on('error', (e: Error) => {
      req.log.warn({ project: p.name, err: e.message }, 'archive download aborted');
      (zip.outputStream as unknown as import('node:stream').Readable).destroy(e);
    });
    // Entries are added as the walk goes; yazl reads each file only when its turn comes, so memory stays flat.
    const prefix = folder ? `${folder}/` : '';
    let n = 0;
    for (const f of walkFiles(p.absPath, folder)) {
      // Opened only when its turn comes, through the confined walk (no link followed, even one swapped in meanwhile).
      const abs = f.abs;
      zip.addReadStreamLazy(f.rel.slice(prefix.length), { mtime: f.st.mtime, compress: isMarkdown(f.rel) || f.rel.endsWith('.txt') }, (cb) => {
        openForRead(abs).then((h) => cb(null, h.createReadStream({ autoClose: true })), (e: Error) => cb(e, undefined as never));
      });
      n++;
    }
    zip.end();
    const name = safeFileName(p.permalink + (folder ? `-${folder}` : '')) + '.zip';
    reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${name}"`)
      .header('x-archive-files', String(n)).header('cache-control', 'no-store');
    return reply.send(zip.outputStream);
  });

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => { done(null, payload); });
    scope.post('/:project/archive', async (req, reply) => {
      const folder = folderOf(req);
      const p = await projectFromRequest(req, runtime);
      assertInsideProject(p.absPath, folder);
      const max = runtime.maxUploadBytes;
      const tooLarge = () => new HttpError(413, `ZIP too large: the limit is ${max} bytes`, { connection: 'close' });
      if (Number(req.headers['content-length']) > max) throw tooLarge();
      // Spool (hidden, in the data dir's .basic-memory, never synced), then read its central directory.
      const spoolDir = path.join(engine.dataDir, '.basic-memory', 'tmp');
      fs.mkdirSync(spoolDir, { recursive: true });
      let spooled: { tmp: string; size: number };
      try {
        spooled = await stageUpload((req.body ?? null) as Readable | null, spoolDir, max);
      } catch (e) {
        if (e instanceof UploadTooLargeError) throw tooLarge();
        throw e;
      }
      try {
        const report = await unpack(spooled.tmp, p.name, p.absPath, folder);
        reply.code(report.written.length ? 201 : 200);
        return report;
      } finally {
        fs.rmSync(spooled.tmp, { force: true });
      }
    });
  });

  async function unpack(zipPath: string, project: string, root: string, folder: string): Promise<ZipUploadReport> {
    let zip: yauzl.ZipFile;
    try {
      zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
        (err, z) => (err ? reject(err) : resolve(z!))));
    } catch (e) {
      throw new HttpError(400, `Not a readable ZIP file: ${(e as Error).message}`);
    }
    const report: ZipUploadReport = { written: [], skipped: [], bytes: 0 };
    try {
      if (zip.entryCount > MAX_ZIP_ENTRIES) throw new HttpError(400, `The ZIP holds ${zip.entryCount} entries; at most ${MAX_ZIP_ENTRIES} are accepted`);
      const utf8 = new TextDecoder('utf-8', { fatal: true });
      const entries: yauzl.Entry[] = await new Promise((resolve, reject) => {
        const out: yauzl.Entry[] = [];
        zip.on('entry', (e: yauzl.Entry) => { out.push(e); zip.readEntry(); });
        zip.on('end', () => resolve(out));
        zip.on('error', reject);
        zip.readEntry();
      });
      for (const entry of entries) {
        let name: string;
        try { name = utf8.decode(entry.fileName as unknown as Buffer); } catch { report.skipped.push({ path: String(entry.fileName), reason: 'name is not valid UTF-8' }); continue; }
        if (name.endsWith('/')) continue; // folders come with their files
        // Unix symlinks (mode 0o120000 in the external attributes) are never written.
        if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) { report.skipped.push({ path: name, reason: 'symbolic links are not accepted' }); continue; }
        let rel: string;
        try {
          rel = confineRelPath(folder ? `${folder}/${name}` : name);
          assertInsideProject(root, rel);
          assertUploadable(root, rel);
        } catch (e) {
          report.skipped.push({ path: name, reason: e instanceof PathError ? e.message : 'Invalid path: it must stay inside the project' });
          continue;
        }
        const existing = lstatConfined(path.join(root, rel));
        const room = Math.min(runtime.maxUploadBytes, runtime.quotaRoom(existing?.isFile() ? existing.size : 0));
        if (entry.uncompressedSize > room) {
          report.skipped.push({ path: rel, reason: room < runtime.maxUploadBytes ? 'storage quota exceeded' : 'file too large' });
          continue;
        }
        const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s!))));
        let staged;
        try {
          staged = await stageUpload(stream, stagingDir(root, rel), room);
        } catch (e) {
          stream.destroy();
          report.skipped.push({ path: rel, reason: e instanceof UploadTooLargeError ? 'file too large' : e instanceof PathError ? e.message : `unreadable entry: ${(e as Error).message}` });
          continue;
        }
        try {
          const mtime = entry.getLastModDate().getTime() / 1000;
          await engine.putResource(project, rel, staged, { mtimeSeconds: Number.isFinite(mtime) && mtime > 0 ? mtime : undefined });
          report.written.push(rel);
          report.bytes += staged.size;
        } catch (e) {
          report.skipped.push({ path: rel, reason: (e as Error).message });
        } finally {
          removeTemp(staged.tmp); // confined; only our temp names
        }
      }
    } finally {
      zip.close();
    }
    return report;
  }
}
