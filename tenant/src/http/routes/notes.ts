// Notes and search routes (upstream v1 shapes, contract §3.3), with path confinement at the edge.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PathError } from '../../engine-types.ts';
import { openForRead, removeTemp } from '../../notes/confined-fs.ts';
import { assertUploadable, stageUpload, stagingDir, UploadTooLargeError, type StagedUpload } from '../../notes/put-resource.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import { assertInsideProject, confineRelPath } from '../path-confinement.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseBody, parseQuery, queryInt } from '../query-params.ts';

/** The still-encoded remainder of the URL path after `/{project}/<a>/<b...>/`. */
function rawTail(req: FastifyRequest, skipSegments: number): string {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  return pathname.split('/').slice(1 + skipSegments).join('/');
}

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

const SearchBody = z.looseObject({ text: z.string().max(1000).optional() });

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
    const p = await projectFromRequest(req, runtime);
    return engine.search(p.name, { text: body.text ?? '', page: q.page, page_size: q.page_size });
  };
  app.post('/:project/search/', searchPost);
  app.post('/:project/search', searchPost);

  app.get('/:project/resource/*', async (req, reply) => {
    const rel = confineRelPath(rawTail(req, 2), { encoded: true });
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, rel);
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
    const stream = handle.createReadStream({ start: 0, end: Math.max(0, st.size - 1), autoClose: true });
    reply.header('content-type', res.contentType).header('content-length', String(st.size));
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
      const tooLarge = () => new HttpError(413, `Upload too large: the limit is ${max} bytes`, { connection: 'close' });
      // Refused before a byte is read when the client announces the size.
      if (Number(req.headers['content-length']) > max) throw tooLarge();
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
        staged = await stageUpload(body, stagingDir(p.absPath, rel), max);
      } catch (e) {
        if (e instanceof UploadTooLargeError) throw tooLarge();
        if (e instanceof PathError) throw new HttpError(400, e.message);
        throw e;
      }
      try {
        const res = await engine.putResource(p.name, rel, staged);
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
    const identifier = confineRelPath(rawTail(req, 3), { encoded: true });
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, identifier);
    return { deleted: await engine.deleteNote(p.name, identifier) };
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
    return engine.listDirectory(p.name, dir, q.depth);
  });
}
