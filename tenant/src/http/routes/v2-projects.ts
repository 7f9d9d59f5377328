// v2 routes with no v1 twin (the rest is rewritten to v1 routes by v2-rewrite.ts):
// POST /v2/projects/resolve (v0.19–v0.22.1), POST /v2/projects/{id}/status (v0.22.1 SyncReportResponse and HEAD's
// {total_files, observed_files} in one body: each client reads its own keys), POST /v2/projects/{id}/index (HEAD),
// notes by entity external_id under /v2/projects/{id}/knowledge and /resource, the graph and orphans, one-file
// indexing (sync-file, HEAD's index-file), folder moves and deletes, and resources created and replaced by body.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EntityResponse } from '../../engine-types.ts';
import { readFileConfined } from '../../fs/confined-fs.ts';
import type { EntityRow } from '../../index/store.ts';
import { entityExternalId } from '../../notes/entity-external-id.ts';
import { confine } from '../../fs/safe-path.ts';
import type { Project } from '../../projects/project-registry.ts';
import { EMPTY_REPORT, type TenantRuntime } from '../../tenant-runtime.ts';
import { ConflictError, PathError } from '../../engine-types.ts';
import type { GraphNodeRow } from '../../repositories/entity-repository.ts';
import { assertUploadable, stageUpload, stagingDir, type CommitOptions, type PutResourceResult } from '../../notes/put-resource.ts';
import { removeTemp } from '../../fs/confined-fs.ts';
import { quotaExceeded, uploadTooLarge } from '../upload-limits.ts';
import { HttpError } from '../errors.ts';
import { expectedChecksum } from '../identifier-param.ts';
import { assertInsideProject, confineRelPath } from '../path-confinement.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseBody, parseQuery, queryBool } from '../query-params.ts';
import { EditBody, EntityBody } from './knowledge.ts';
import { generatePermalink } from '../../markdown/permalink.ts';

const ResolveProjectBody = z.object({ identifier: z.string().min(1).max(255) });
const ResolveEntityBody = z.looseObject({ identifier: z.string().min(1).max(2048), source_path: z.string().nullish(), strict: z.boolean().default(false) });
// Ours, beyond upstream: `include_content` answers the note's file text with its resolution (read_note in one round trip).
const ResolveNoteBody = ResolveEntityBody.extend({ include_content: z.boolean().default(false) });
const MoveBody = z.looseObject({ destination_path: z.string().min(1).max(2048) });
const FilePathBody = z.looseObject({ file_path: z.string().min(1).max(500) });
const MoveDirectoryBody = z.looseObject({ source_directory: z.string().min(1).max(500), destination_directory: z.string().min(1).max(500) });
const DeleteDirectoryBody = z.looseObject({ directory: z.string().min(1).max(500) });
const CreateResourceBody = z.looseObject({ file_path: z.string().min(1).max(500), content: z.string() });
const UpdateResourceBody = z.looseObject({ content: z.string(), file_path: z.string().min(1).max(500).nullish() });
// v0.18+ clients send a note's folder as `directory` and its type as `note_type` (v1: `folder`, `entity_type`).
const V2EntityBody = EntityBody.extend({ directory: z.string().max(1024).nullish(), note_type: z.string().min(1).max(100).nullish() });
type V2Entity = z.infer<typeof V2EntityBody>;
const noteFolder = (b: V2Entity) => { const d = b.directory ?? b.folder; return d === '/' ? '' : confineRelPath(d, { allowEmpty: true, leadingSlashIsRoot: true }); };
const noteType = (b: V2Entity) => b.note_type ?? b.entity_type ?? undefined;
/** A folder as upstream takes it: leading and trailing slashes dropped, "/" the project root. */
const folderRel = (v: string) => confineRelPath(v, { leadingSlashIsRoot: true, allowEmpty: true });

export function registerV2ProjectRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const reg = runtime.registry;
  const engine = runtime.engine;

  app.post('/v2/projects/resolve', async (req) => {
    const { identifier } = parseBody(req, ResolveProjectBody);
    if (runtime.ready && !reg.resolve(identifier)) await runtime.discover();
    const p = reg.resolve(identifier);
    if (!p) throw new HttpError(404, `Project not found: '${identifier}'`);
    const item = reg.item(p);
    const method = item.external_id === identifier.toLowerCase() ? 'external_id' : p.name === identifier ? 'name' : 'permalink';
    return { external_id: item.external_id, project_id: item.id, name: p.name, permalink: p.permalink, path: item.path,
      is_active: true, is_default: item.is_default, resolution_method: method };
  });

  app.post('/v2/projects/:project/status', async (req) => {
    parseQuery(req, z.looseObject({ force_full: queryBool(false) }));
    const p = await projectFromRequest(req, runtime);
    const report = await engine.scan(p.name);
    const observed = engine.observedFiles(p.name);
    return { ...report, total_files: observed.length, observed_files: observed };
  });

  app.post('/v2/projects/:project/index', async (req) => {
    const q = parseQuery(req, z.looseObject({ force_full: queryBool(false), run_in_background: queryBool(true) }));
    const p = await projectFromRequest(req, runtime);
    const trigger = q.force_full ? 'force' : 'api';
    if (q.run_in_background) {
      runtime.sync(p.name, trigger, q.force_full).catch((err: unknown) => req.log.warn({ err, project: p.name }, 'background index failed'));
      return { status: 'index_started', message: `Indexing initiated for project '${p.name}'` };
    }
    const run = await runtime.sync(p.name, trigger, q.force_full);
    if (run.status === 'failed' && !run.report) throw new HttpError(500, `Indexing of project '${p.name}' failed`);
    const r = run.report ?? EMPTY_REPORT;
    const enqueued = r.new.length + r.modified.length;
    return { total_files: run.files_scanned, enqueued_files: enqueued, enqueued_batches: enqueued ? 1 : 0, deleted_files: r.deleted.length };
  });

  // ---- notes by entity external_id ----
  const projectExt = (p: Project) => reg.item(p).external_id;
  const v2Entity = (p: Project, e: EntityResponse, withContent = false): object => {
    let content: string | undefined;
    if (withContent) { try { content = readFileConfined(confine(p.absPath, e.file_path).abs).toString('utf8'); } catch { /* best effort */ } }
    return { external_id: entityExternalId(projectExt(p), e), ...e, note_type: e.entity_type, ...(content !== undefined ? { content } : {}),
      created_by: null, last_updated_by: null, api_version: 'v2' };
  };
  const byId = async (req: FastifyRequest): Promise<{ p: Project; row: EntityRow }> => {
    const p = await projectFromRequest(req, runtime);
    const id = (req.params as { entity_id: string }).entity_id;
    const row = engine.entityByExternalId(p.name, projectExt(p), id);
    if (!row) throw new HttpError(404, `Entity with external_id '${id}' not found`);
    return { p, row };
  };

  /** Upstream link resolution (full-text fallback unless strict) and how the note was found. */
  const resolveLink = (p: Project, identifier: string, strict: boolean): { row: EntityRow; method: string } | null => {
    let row = engine.entityRow(p.name, identifier)?.row;
    // A project-qualified identifier (`main/notes/x`, what v0.22+ clients send with permalinks_include_project) names
    // `notes/x` here, where permalinks carry no project prefix.
    const prefix = `${generatePermalink(p.name)}/`;
    if (!row && identifier.startsWith(prefix)) {
      const bare = identifier.slice(prefix.length);
      row = engine.entityRow(p.name, bare)?.row;
      if (row) identifier = bare;
    }
    if (!row && !strict) {
      const guess = engine.getEntity(p.name, identifier); // full-text fallback, as upstream when not strict
      if (guess) row = engine.entityRow(p.name, guess.file_path)?.row;
    }
    if (!row) return null;
    return { row, method: row.permalink === identifier ? 'permalink' : row.title === identifier ? 'title' : row.file_path === identifier ? 'path' : 'search' };
  };

  app.post('/v2/projects/:project/knowledge/resolve', async (req) => {
    const body = parseBody(req, ResolveNoteBody);
    const p = await projectFromRequest(req, runtime);
    const byExt = engine.entityByExternalId(p.name, projectExt(p), body.identifier);
    const hit = byExt ? { row: byExt, method: 'external_id' } : resolveLink(p, body.identifier, body.strict);
    if (!hit) throw new HttpError(404, `Entity not found: '${body.identifier}'`);
    const { row, method } = hit;
    let content: string | null | undefined;
    if (body.include_content) {
      // null: indexed but the file is gone or unreadable right now (the caller says so instead of failing).
      try { content = readFileConfined(confine(p.absPath, row.file_path).abs).toString('utf8'); } catch { content = null; }
    }
    return { external_id: entityExternalId(projectExt(p), row), entity_id: row.id, project_external_id: projectExt(p), permalink: row.permalink,
      file_path: row.file_path, title: row.title, resolution_method: method, ...(content !== undefined ? { content } : {}) };
  });

  // HEAD: a wikilink resolved from this project. Ours resolves inside the project only (no `project::note` targets).
  app.post('/v2/projects/:project/knowledge/links/resolve', async (req) => {
    const body = parseBody(req, ResolveEntityBody);
    const p = await projectFromRequest(req, runtime);
    const hit = resolveLink(p, body.identifier, body.strict);
    if (!hit) throw new HttpError(404, `Link target not found: '${body.identifier}'`);
    const { row, method } = hit;
    return { external_id: entityExternalId(projectExt(p), row), entity_id: row.id, target_project_external_id: projectExt(p), permalink: row.permalink,
      file_path: row.file_path, title: row.title, resolution_method: method };
  });

  app.get('/v2/projects/:project/knowledge/entities/:entity_id', async (req, reply) => {
    const { p, row } = await byId(req);
    if (row.checksum) reply.header('etag', `"${row.checksum}"`);
    return v2Entity(p, engine.entityResponseOf(row));
  });

  app.post('/v2/projects/:project/knowledge/entities', async (req) => {
    const body = parseBody(req, V2EntityBody);
    const folder = noteFolder(body);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, folder);
    const type = noteType(body);
    const e = await engine.writeNote(p.name, { title: body.title, folder, content: body.content ?? '',
      ...(type ? { entity_type: type } : {}), ...(body.entity_metadata ? { entity_metadata: body.entity_metadata } : {}) });
    return v2Entity(p, e);
  });

  app.put('/v2/projects/:project/knowledge/entities/:entity_id', async (req, reply) => {
    const body = parseBody(req, V2EntityBody);
    const folder = noteFolder(body);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, folder);
    const id = (req.params as { entity_id: string }).entity_id;
    const row = engine.entityByExternalId(p.name, projectExt(p), id);
    const input = { title: body.title, folder, content: body.content ?? '', entity_type: noteType(body), entity_metadata: body.entity_metadata ?? null };
    const res = await engine.putNote(p.name, row?.permalink ?? '', input, expectedChecksum(req, body.expected_checksum), row);
    reply.code(res.created ? 201 : 200);
    return v2Entity(p, res.entity);
  });

  app.patch('/v2/projects/:project/knowledge/entities/:entity_id', async (req) => {
    const body = parseBody(req, EditBody);
    const { p, row } = await byId(req);
    const e = await engine.editNote(p.name, row.file_path, { operation: body.operation, content: body.content, section: body.section ?? null,
      find_text: body.find_text ?? null, expected_replacements: body.expected_replacements }, expectedChecksum(req, body.expected_checksum));
    return v2Entity(p, e);
  });

  app.delete('/v2/projects/:project/knowledge/entities/:entity_id', async (req) => {
    const p = await projectFromRequest(req, runtime);
    const row = engine.entityByExternalId(p.name, projectExt(p), (req.params as { entity_id: string }).entity_id);
    if (!row) return { deleted: false };
    return { deleted: await engine.deleteNote(p.name, row.file_path, expectedChecksum(req)) };
  });

  app.put('/v2/projects/:project/knowledge/entities/:entity_id/move', async (req) => {
    const body = parseBody(req, MoveBody);
    const dest = confineRelPath(body.destination_path);
    const { p, row } = await byId(req);
    assertInsideProject(p.absPath, dest);
    return v2Entity(p, await engine.moveNote(p.name, row.file_path, dest));
  });

  // ---- graph (v0.22.1) ----
  const graphNode = (ext: string, n: GraphNodeRow) => ({ external_id: entityExternalId(ext, n), title: n.title, note_type: n.entity_type, file_path: n.file_path });

  app.get('/v2/projects/:project/knowledge/graph', async (req) => {
    const p = await projectFromRequest(req, runtime);
    const ext = projectExt(p);
    const { nodes, edges } = engine.graph(p.name);
    const idOf = new Map(nodes.map((n) => [n.id, entityExternalId(ext, n)]));
    return {
      nodes: nodes.map((n) => graphNode(ext, n)),
      edges: edges.map((e) => ({ from_id: idOf.get(e.from_id), to_id: idOf.get(e.to_id), relation_type: e.relation_type })),
    };
  });

  app.get('/v2/projects/:project/knowledge/orphans', async (req) => {
    const p = await projectFromRequest(req, runtime);
    const ext = projectExt(p);
    const entities = engine.orphans(p.name).map((n) => graphNode(ext, n));
    return { entities, total: entities.length };
  });

  // ---- one file indexed now: sync-file (v0.22.1), index-file (HEAD), same request and answer ----
  for (const route of ['sync-file', 'index-file']) {
    app.post(`/v2/projects/:project/knowledge/${route}`, async (req) => {
      const body = parseBody(req, FilePathBody);
      const rel = confineRelPath(body.file_path);
      const p = await projectFromRequest(req, runtime);
      assertInsideProject(p.absPath, rel);
      return v2Entity(p, await engine.indexOneFile(p.name, body.file_path));
    });
  }

  // ---- folders (v0.22.1): every indexed file below, one by one; per-file failures reported, the rest go on ----
  app.post('/v2/projects/:project/knowledge/move-directory', async (req) => {
    const body = parseBody(req, MoveDirectoryBody);
    const source = folderRel(body.source_directory);
    const destination = folderRel(body.destination_directory);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, source);
    assertInsideProject(p.absPath, destination);
    return engine.moveDirectory(p.name, source, destination);
  });

  app.post('/v2/projects/:project/knowledge/delete-directory', async (req) => {
    const body = parseBody(req, DeleteDirectoryBody);
    const dir = folderRel(body.directory);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, dir);
    const r = await engine.deleteDirectory(p.name, dir);
    // HEAD adds file_delete_status; our deletes are done (moved to the trash) when the answer leaves
    return { ...r, file_delete_status: r.failed_deletes ? 'failed' : 'complete' };
  });

  // ---- resources by body (v0.22.1): POST creates a file, PUT …/{entity_id} replaces (and may move) one ----
  /** The content becomes the file at rel: staged, then committed and indexed like an upload (limits and quota too). */
  const writeResource = async (p: Project, rel: string, content: string, replacedBytes: number, opts: CommitOptions): Promise<PutResourceResult> => {
    try { assertUploadable(p.absPath, rel); } catch (e) { throw new HttpError(400, (e as Error).message); }
    const bytes = Buffer.from(content, 'utf8');
    if (bytes.length > runtime.maxUploadBytes) throw uploadTooLarge(runtime.maxUploadBytes);
    if (bytes.length > runtime.quotaRoom(replacedBytes)) throw quotaExceeded(runtime.quotaBytes);
    let staged;
    try { staged = await stageUpload([bytes], stagingDir(p.absPath, rel), bytes.length); } catch (e) {
      if (e instanceof PathError) throw new HttpError(400, e.message);
      throw e;
    }
    try { return await engine.putResource(p.name, rel, staged, opts); } finally { removeTemp(staged.tmp); }
  };
  const resourceResponse = (p: Project, res: PutResourceResult) => {
    const row = engine.entityAtPath(p.name, res.body.file_path);
    return { entity_id: row?.id ?? null, external_id: row ? entityExternalId(projectExt(p), row) : null, ...res.body };
  };

  app.post('/v2/projects/:project/resource', async (req) => {
    const body = parseBody(req, CreateResourceBody);
    const rel = confineRelPath(body.file_path);
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, rel);
    const existing = engine.entityAtPath(p.name, rel);
    if (existing) {
      const id = entityExternalId(projectExt(p), existing);
      throw new HttpError(409, `Resource already exists at ${rel} with entity_id ${id}. Use PUT /resource/${id} to update it.`);
    }
    // never over a file that is there but not indexed yet either (checked again under the writer lock)
    const res = await writeResource(p, rel, body.content, 0, { precondition: (st) => { if (st) throw new ConflictError(`Resource already exists at ${rel}`); } });
    return resourceResponse(p, res);
  });

  app.put('/v2/projects/:project/resource/:entity_id', async (req) => {
    const body = parseBody(req, UpdateResourceBody);
    const dest = body.file_path ? confineRelPath(body.file_path) : null;
    const { p, row } = await byId(req);
    if (dest) assertInsideProject(p.absPath, dest);
    // written in place first (If-Match is checked there, before anything changes), then moved when asked
    let res = await writeResource(p, row.file_path, body.content, row.size ?? 0, { expectedChecksum: expectedChecksum(req) });
    if (dest && dest !== row.file_path) {
      const moved = await engine.moveEntity(p.name, row, dest);
      res = { created: false, body: { ...res.body, file_path: moved.file_path } };
    }
    return resourceResponse(p, res);
  });

  app.get('/v2/projects/:project/resource/:entity_id', async (req, reply) => {
    const { p, row } = await byId(req);
    let bytes: Buffer;
    try { bytes = readFileConfined(confine(p.absPath, row.file_path).abs); } catch { throw new HttpError(404, `File not found: ${row.file_path}`); }
    reply.header('content-type', row.content_type === 'text/markdown' ? 'text/markdown; charset=utf-8' : row.content_type);
    return bytes;
  });
}
