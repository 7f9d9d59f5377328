// The per-write note history (history/note-history.ts): the versions of one file, one version's bytes, and
// "restore this version" — an atomic write through the same commit as PUT /resource (If-Match checked, indexed at
// once, quota checked), which itself keeps the replaced content as a version with the reason "restore".
// Keys are data-dir relative (`<project folder>/<path>`), like the snapshots' keys.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PathError } from '../../engine-types.ts';
import { isVersionId, type NoteHistory } from '../../history/note-history.ts';
import { withWriteReason } from '../../history/write-context.ts';
import { lstatConfined } from '../../fs/confined-fs.ts';
import { stageUpload, stagingDir, UploadTooLargeError } from '../../notes/put-resource.ts';
import { confine } from '../../fs/safe-path.ts';
import { hiddenSegment } from '../../fs/visible-path.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError, zodDetail } from '../errors.ts';
import { quotaExceeded } from '../upload-limits.ts';

const Key = z.string().min(1).max(4096).transform((s) => s.replace(/\\/g, '/').replace(/^\/+/, ''))
  .refine((s) => s.split('/').every((p) => p !== '' && p !== '.' && p !== '..' && !p.includes('\0') && !hiddenSegment(p)), 'path: a visible file inside your data');
const ListQuery = z.object({ path: Key });
const FileQuery = z.object({ path: Key, version: z.string().refine(isVersionId, 'version: a version id') });
const RestoreBody = z.object({ path: Key, version: z.string().refine(isVersionId, 'version: a version id'),
  /** sha256 of the current file as the person saw it: another version on disk → 412, nothing written */
  expected_checksum: z.string().regex(/^[0-9a-f]{64}$/i).optional() }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body'): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new HttpError(422, zodDetail(r.error, where));
  return r.data;
}

export function registerHistoryRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const history = (): NoteHistory => {
    if (!runtime.history) throw new HttpError(503, 'This tenant keeps no note history (--history-max-versions 0 or no history folder).');
    return runtime.history;
  };
  const rebuild = { config: { duringRebuild: true } };

  app.get('/history', rebuild, async (req) => {
    const q = parse(ListQuery, req.query, 'query');
    return { path: q.path, versions: history().list(q.path) };
  });

  app.get('/history/file', rebuild, async (req, reply: FastifyReply) => {
    const q = parse(FileQuery, req.query, 'query');
    const v = history().read(q.path, q.version);
    if (!v) throw new HttpError(404, `Version ${q.version} of '${q.path}' not found`);
    return reply.header('content-type', 'application/octet-stream').send(v.bytes);
  });

  app.post('/history/restore', async (req) => {
    const body = parse(RestoreBody, req.body, 'body');
    const v = history().read(body.path, body.version);
    if (!v) throw new HttpError(404, `Version ${body.version} of '${body.path}' not found`);
    const [folder, ...rest] = body.path.split('/');
    const p = runtime.registry.list().find((x) => x.folder === folder);
    if (!p || rest.length === 0) throw new HttpError(404, `No project holds '${body.path}'`);
    const rel = confine(p.absPath, rest.join('/')).rel;
    const replaced = lstatConfined(p.absPath + '/' + rel);
    const room = runtime.quotaRoom(replaced?.isFile() ? replaced.size : 0);
    if (v.bytes.length > room) throw quotaExceeded(runtime.quotaBytes);
    let staged;
    try {
      staged = await stageUpload([v.bytes], stagingDir(p.absPath, rel), Math.max(0, room));
    } catch (e) {
      if (e instanceof UploadTooLargeError) throw quotaExceeded(runtime.quotaBytes);
      if (e instanceof PathError) throw new HttpError(400, e.message);
      throw e;
    }
    const res = await withWriteReason('restore', () => runtime.engine.putResource(p.name, rel, staged, { expectedChecksum: body.expected_checksum ?? null }));
    return { path: body.path, project: p.name, file_path: res.body.file_path, version: body.version, checksum: res.body.checksum, created: res.created };
  });
}
