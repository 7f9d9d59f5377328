// Notes and search routes (upstream v1 shapes, contract §3.3), with path confinement at the edge.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PathError, type DirectoryNode } from '../../engine-types.ts';
import { permalinkGlob } from '../../notes/link-resolver.ts';
import { confine } from '../../fs/safe-path.ts';
import { lstatConfined, openForRead, readFileConfined, removeTemp } from '../../fs/confined-fs.ts';
import { assertUploadable, stageUpload, stagingDir, UploadTooLargeError, type StagedUpload } from '../../notes/put-resource.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';
import { quotaExceeded, uploadTooLarge } from '../upload-limits.ts';
import { idempotent } from '../idempotency.ts';
import { assertInsideProject, confineRelPath } from '../path-confinement.ts';
import { projectFromRequest } from '../project-param.ts';
import { expectedChecksum, identifierFromUrl, rawTail } from '../identifier-param.ts';
import { parseBody, parseQuery, queryInt } from '../query-params.ts';
import { assertGlobLength, fileNameGlobMatcher } from '../request-glob.ts';


const SMALL_RESOURCE = 256 * 1024;
const JSON_UPLOAD_MAX = 25 * 1024 * 1024;

/** Reads a small body whole, refusing it past `max` bytes. */
async function readCapped(stream: Readable, max: number, tooLarge: () => Error): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > max) throw tooLarge();
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

const WriteNoteBody = z.looseObject({
  title: z.string().trim().min(1).max(255),
  folder: z.string().max(1024).default(''),
  content: z.string().default(''),
  entity_type: z.string().min(1).max(100).optional(),
  entity_metadata: z.record(z.string(), z.unknown()).nullish(),
});

const MoveBody = z.object({
  identifier: z.string().min(1).max(2048),
  destination_path: z.string().min(1).max(2048),
});

const TypeList = z.array(z.string().min(1).max(200)).max(100).nullish();
const SearchBody = z.looseObject({
  text: z.string().max(1000).nullish(),
  types: TypeList, // v0.16: frontmatter type
  note_types: TypeList, // v0.19+: frontmatter type, any case
  entity_types: z.array(z.enum(['entity', 'observation', 'relation'])).max(3).nullish(),
  after_date: z.string().max(100).nullish(),
  // Ours (the notes browser): any of these tags (frontmatter or an observation's #tag) / observation categories, any case.
  tags: z.array(z.string().min(1).max(100)).max(20).nullish(),
  categories: z.array(z.string().min(1).max(100)).max(20).nullish(),
  // Upstream's frontmatter filters and status; ours: title / permalink substrings (search_type "title" / "permalink").
  metadata_filters: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,100}(?:\.[A-Za-z0-9_-]{1,100}){0,4}$/, 'a frontmatter field name (dots for nested fields)'),
    z.union([z.string().max(1000), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).max(50),
      z.object({ $in: z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).max(50) })]))
    .refine((r) => Object.keys(r).length <= 20, 'at most 20 metadata filters').nullish(),
  status: z.string().max(100).nullish(),
  title_contains: z.string().max(1000).nullish(),
  permalink_contains: z.string().max(1000).nullish(),
});

/** after_date as upstream parses it (an ISO date or date-time); anything else is a 400, as upstream's ValueError. */
function afterDateIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ]([\d:.]+)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(value.trim());
  // a date-time without an offset is taken as UTC (the index stores UTC), not as the server's local time
  const offset = (m?.[3] ?? 'Z').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2').toUpperCase();
  const ms = m ? Date.parse(m[2] ? `${m[1]}T${m[2]}${offset}` : m[1]!) : NaN;
  if (Number.isNaN(ms)) throw new HttpError(400, `Invalid after_date: '${value}' (expected an ISO date or date-time)`);
  return new Date(ms).toISOString();
}

export function registerNotesRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const engine = runtime.engine;
  const pageQuery = { page: queryInt(1, 1, 100000), page_size: queryInt(10, 1, 100) };

  app.get('/:project/search', async (req) => {
    const q = parseQuery(req, z.object({ q: z.string().max(1000).default(''), ...pageQuery }));
    const p = await projectFromRequest(req, runtime);
    return engine.search(p.name, { text: q.q, page: q.page, page_size: q.page_size });
  });

  const searchPost = async (req: FastifyRequest) => {
    const q = parseQuery(req, z.object(pageQuery));
    const body = parseBody(req, SearchBody);
    const after = afterDateIso(body.after_date);
    const p = await projectFromRequest(req, runtime);
    // v0.16 (v1 route) compares after_date with created_at; v0.19+ (v2 route) with updated_at
    const field = req.originalUrl.startsWith('/v2/') ? 'updated_at' : 'created_at';
    return engine.search(p.name, { text: body.text ?? '', page: q.page, page_size: q.page_size, types: body.types, note_types: body.note_types,
      entity_types: body.entity_types, after: after ? { iso: after, field } : null, tags: body.tags, categories: body.categories,
      metadata_filters: body.metadata_filters, status: body.status, title_contains: body.title_contains, permalink_contains: body.permalink_contains });
  };
  app.post('/:project/search/', searchPost);
  app.post('/:project/search', searchPost);

  app.get('/:project/resource/*', async (req, reply) => {
    const rel = confineRelPath(rawTail(req, 2).replace(/^memory(?::|%3A)(?:\/|%2F){2}/i, ''), { encoded: true });
    const q = parseQuery(req, z.looseObject(pageQuery));
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, rel);
    if (rel.includes('*')) {
      assertGlobLength(rel, 'resource glob');
      // Upstream: a glob over permalinks, one page of notes, each after a `--- memory://<permalink> <updated_at> <checksum[:8]>` line.
      const { rows, root } = engine.entitiesByGlob(p.name, permalinkGlob(rel), q.page_size, (q.page - 1) * q.page_size);
      if (!rows.length) throw new HttpError(404, `Resource not found: ${rel}`);
      const parts: string[] = [];
      for (const e of rows) {
        let text: string;
        try { text = readFileConfined(confine(root, e.file_path).abs).toString('utf8'); } catch { continue; }
        parts.push(`--- memory://${e.permalink ?? e.file_path} ${e.updated_at} ${(e.checksum ?? '').slice(0, 8)}\n\n${text}\n\n`);
      }
      reply.header('content-type', 'text/markdown; charset=utf-8');
      return parts.join('');
    }
    const res = engine.readResource(p.name, rel);
    // The engine resolved the identifier to a file: make sure that file is inside the project too.
    const relResolved = path.relative(p.absPath, res.absPath);
    if (relResolved.startsWith('..') || path.isAbsolute(relResolved)) throw new HttpError(400, 'Invalid path: it must stay inside the project');
    assertInsideProject(p.absPath, relResolved);
    // Open the resolved file without following any symlink on the way (a folder swapped meanwhile cannot
    // redirect it), and take the length from the open file so Content-Length matches what is streamed.
    let handle: fs.promises.FileHandle;
    try {
      handle = await openForRead(res.absPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError(404, `Resource '${rel}' not found`);
      throw err;
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      throw new HttpError(404, `Resource '${rel}' not found`);
    }
    reply.header('content-type', res.contentType);
    if (st.size <= SMALL_RESOURCE) {
      // Most notes are small: one read from the open file is cheaper than a stream (what read_note fetches).
      try {
        const buf = Buffer.allocUnsafe(st.size);
        let off = 0;
        while (off < st.size) {
          const { bytesRead } = await handle.read(buf, off, st.size - off, off);
          if (bytesRead === 0) break;
          off += bytesRead;
        }
        reply.header('content-length', String(off));
        return reply.send(off === st.size ? buf : buf.subarray(0, off));
      } finally { await handle.close(); }
    }
    reply.header('content-length', String(st.size));
    const stream = handle.createReadStream({ start: 0, end: Math.max(0, st.size - 1), autoClose: true });
    if (st.size === 0) {
      stream.destroy();
      return reply.send('');
    }
    return reply.send(stream);
  });

  // PUT /{project}/resource/{path}: its own scope, where every content type is left unparsed (a stream), so
  // neither the global body limit nor any buffering applies; the upload cap is --max-upload-mb.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => { done(null, payload); });
    scope.put('/:project/resource/*', async (req, reply) => {
      const rel = confineRelPath(rawTail(req, 2), { encoded: true });
      const p = await projectFromRequest(req, runtime);
      assertInsideProject(p.absPath, rel);
      try { assertUploadable(p.absPath, rel); } catch (e) { throw new HttpError(400, (e as Error).message); }
      const max = runtime.maxUploadBytes;
      const tooLarge = () => uploadTooLarge(max);
      // Refused before a byte is read when the client announces the size.
      if (Number(req.headers['content-length']) > max) throw tooLarge();
      // The tenant's storage quota (--quota-mb): 507, nothing written.
      const replaced = lstatConfined(path.join(p.absPath, rel));
      const room = runtime.quotaRoom(replaced?.isFile() ? replaced.size : 0);
      const overQuota = () => quotaExceeded(runtime.quotaBytes);
      if (Number(req.headers['content-length']) > room) throw overQuota();
      const stream = (req.body ?? null) as Readable | null;
      let body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null = stream;
      if (stream && req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === 'application/json') {
        // Upstream clients send JSON-encoded string content (FastAPI `content: str = Body()`): small, so buffered.
        const text = await readCapped(stream, Math.min(max, JSON_UPLOAD_MAX), tooLarge);
        let value: unknown;
        try { value = JSON.parse(text); } catch { throw new HttpError(400, 'Invalid JSON body'); }
        if (typeof value !== 'string') throw new HttpError(422, [{ type: 'string_type', loc: ['body'], msg: 'Input should be a valid string' }]);
        body = [Buffer.from(value, 'utf8')];
      }
      let staged: StagedUpload;
      try {
        staged = await stageUpload(body, stagingDir(p.absPath, rel), Math.min(max, Math.max(0, room)));
      } catch (e) {
        if (e instanceof UploadTooLargeError) throw room < max ? overQuota() : tooLarge();
        if (e instanceof PathError) throw new HttpError(400, e.message);
        throw e;
      }
      try {
        const res = await engine.putResource(p.name, rel, staged, { expectedChecksum: expectedChecksum(req) });
        reply.code(res.created ? 201 : 200);
        return res.body;
      } finally {
        removeTemp(staged.tmp);
      }
    });
  });

  app.post('/:project/knowledge/entities', async (req, reply) => {
    const body = parseBody(req, WriteNoteBody);
    // "" or "/" is the project root; any other absolute folder is refused, not reinterpreted.
    const folder = body.folder === '/' ? '' : confineRelPath(body.folder, { allowEmpty: true });
    const p = await projectFromRequest(req, runtime);
    // The file name comes from the title: it must not lead anywhere either.
    assertInsideProject(p.absPath, confineRelPath(folder ? `${folder}/${body.title}.md` : `${body.title}.md`));
    return idempotent(runtime.idempotency, req, reply, `${p.name}\ncreate`, () => engine.writeNote(p.name, {
      title: body.title,
      folder,
      content: body.content,
      ...(body.entity_type ? { entity_type: body.entity_type } : {}),
      ...(body.entity_metadata ? { entity_metadata: body.entity_metadata } : {}),
    }));
  });

  app.delete('/:project/knowledge/entities/*', async (req) => {
    const identifier = identifierFromUrl(req, 3);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, identifier);
    return { deleted: await engine.deleteNote(p.name, identifier, expectedChecksum(req)) };
  });

  app.post('/:project/knowledge/move', async (req, reply) => {
    const body = parseBody(req, MoveBody);
    const identifier = confineRelPath(body.identifier);
    const destination = confineRelPath(body.destination_path);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, identifier);
    assertInsideProject(p.absPath, destination);
    return idempotent(runtime.idempotency, req, reply, `${p.name}\nmove`, () => engine.moveNote(p.name, identifier, destination));
  });

  app.get('/:project/directory/list', async (req) => {
    const q = parseQuery(req, z.object({ dir_name: z.string().max(2048).default('/'), depth: queryInt(1, 1, 10), file_name_glob: z.string().optional() }));
    const dir = confineRelPath(q.dir_name, { leadingSlashIsRoot: true, allowEmpty: true });
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, dir);
    // Upstream answers a flat list, pre-order, down to `depth`; file_name_glob filters by name (fnmatch).
    const match = q.file_name_glob ? fileNameGlobMatcher(q.file_name_glob) : null;
    const out: DirectoryNode[] = [];
    const walk = (nodes: DirectoryNode[]) => {
      for (const n of nodes) {
        if (match && !match(n.name)) continue;
        out.push(n);
        if (n.children) walk(n.children);
      }
    };
    walk(engine.listDirectory(p.name, dir, q.depth));
    return out;
  });

  app.get('/:project/directory/tree', async (req) => {
    const p = await projectFromRequest(req, runtime);
    return engine.directoryTree(p.name, true);
  });

  app.get('/:project/directory/structure', async (req) => {
    const p = await projectFromRequest(req, runtime);
    return engine.directoryTree(p.name, false);
  });
}
