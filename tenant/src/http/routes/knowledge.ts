// Upstream v1 knowledge routes (contract §3.3) beyond create/delete/move (routes/notes.ts): create-or-replace by
// permalink (PUT), edit (PATCH), get by identifier, list by permalinks, delete many.
// Optimistic concurrency: `If-Match: "<checksum>"` (or `expected_checksum` in the body) on PUT/PATCH/DELETE: when the
// file on disk is no longer that version, 412 and nothing is written. Reads send the checksum as the ETag.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EDIT_OPERATIONS } from '../../notes/edit-operations.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';
import { expectedChecksum, identifierFromUrl } from '../identifier-param.ts';
import { assertInsideProject, confineRelPath } from '../path-confinement.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseBody } from '../query-params.ts';

const Checksum = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected_checksum must be the sha256 hex checksum of the note').nullish();

export const EntityBody = z.looseObject({
  title: z.string().trim().min(1).max(255),
  folder: z.string().max(1024).default(''),
  content: z.string().nullish(),
  entity_type: z.string().min(1).max(100).nullish(),
  entity_metadata: z.record(z.string(), z.unknown()).nullish(),
  content_type: z.string().nullish(),
  expected_checksum: Checksum,
});

export const EditBody = z.looseObject({
  operation: z.enum(EDIT_OPERATIONS),
  content: z.string(),
  section: z.string().nullish(),
  find_text: z.string().nullish(),
  expected_replacements: z.number().int().min(0).max(1_000_000).default(1),
  expected_checksum: Checksum,
}).superRefine((v, ctx) => {
  if (['replace_section', 'insert_before_section', 'insert_after_section'].includes(v.operation) && !v.section) {
    ctx.addIssue({ code: 'custom', path: ['section'], message: `section parameter is required for ${v.operation} operation` });
  }
  if (v.operation === 'find_replace' && !v.find_text) {
    ctx.addIssue({ code: 'custom', path: ['find_text'], message: 'find_text parameter is required for find_replace operation' });
  }
});

const DeleteManyBody = z.object({ permalinks: z.array(z.string().min(1).max(2048)).min(1).max(100) });

export function registerKnowledgeRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const engine = runtime.engine;

  app.get('/:project/knowledge/entities/*', async (req, reply) => {
    const identifier = identifierFromUrl(req, 3);
    const p = await projectFromRequest(req, runtime);
    const e = engine.getEntity(p.name, identifier);
    if (!e) throw new HttpError(404, `Entity ${identifier} not found`);
    if (e.checksum) reply.header('etag', `"${e.checksum}"`);
    return e;
  });

  app.get('/:project/knowledge/entities', async (req) => {
    const raw = (req.query as Record<string, unknown>).permalink;
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    if (list.length > 100) throw new HttpError(422, [{ type: 'too_long', loc: ['query', 'permalink'], msg: 'At most 100 permalinks' }]);
    const p = await projectFromRequest(req, runtime);
    return { entities: engine.entitiesByPermalinks(p.name, list.map((x) => confineRelPath(x))) };
  });

  app.put('/:project/knowledge/entities/*', async (req, reply) => {
    const permalink = identifierFromUrl(req, 3);
    const body = parseBody(req, EntityBody);
    const folder = body.folder === '/' ? '' : confineRelPath(body.folder, { allowEmpty: true, leadingSlashIsRoot: true });
    const p = await projectFromRequest(req, runtime);
    assertInsideProject(p.absPath, folder);
    const res = await engine.putNote(p.name, permalink, {
      title: body.title, folder, content: body.content ?? '', entity_type: body.entity_type ?? undefined, entity_metadata: body.entity_metadata ?? null,
    }, expectedChecksum(req, body.expected_checksum));
    reply.code(res.created ? 201 : 200);
    return res.entity;
  });

  app.patch('/:project/knowledge/entities/*', async (req) => {
    const identifier = identifierFromUrl(req, 3);
    const body = parseBody(req, EditBody);
    const p = await projectFromRequest(req, runtime);
    return engine.editNote(p.name, identifier, {
      operation: body.operation, content: body.content, section: body.section ?? null, find_text: body.find_text ?? null,
      expected_replacements: body.expected_replacements,
    }, expectedChecksum(req, body.expected_checksum));
  });

  app.post('/:project/knowledge/entities/delete', async (req) => {
    const body = parseBody(req, DeleteManyBody);
    const p = await projectFromRequest(req, runtime);
    let deleted = false;
    for (const pl of body.permalinks) deleted = (await engine.deleteNote(p.name, confineRelPath(pl))) || deleted;
    return { deleted };
  });
}
