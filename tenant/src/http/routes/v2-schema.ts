// v2 note schemas (upstream v0.22.1 and HEAD, same paths and shapes): POST /v2/projects/{id}/schema/validate,
// POST …/schema/infer, GET …/schema/diff/{note_type}. Reads only; the logic is in notes/note-schema.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseQuery } from '../query-params.ts';

const NoteType = z.string().min(1).max(200);

export function registerV2SchemaRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const engine = runtime.engine;

  app.post('/v2/projects/:project/schema/validate', async (req) => {
    const q = parseQuery(req, z.looseObject({ note_type: NoteType.optional(), identifier: z.string().min(1).max(2048).optional() }));
    const p = await projectFromRequest(req, runtime);
    return engine.noteSchemas(p.name).validate(q);
  });

  app.post('/v2/projects/:project/schema/infer', async (req) => {
    const q = parseQuery(req, z.looseObject({
      note_type: NoteType,
      threshold: z.string().regex(/^\d*\.?\d+$/, 'Input should be a valid number').optional().transform((v) => (v === undefined ? 0.25 : Number(v))),
    }));
    const p = await projectFromRequest(req, runtime);
    return engine.noteSchemas(p.name).infer(q.note_type, q.threshold);
  });

  app.get('/v2/projects/:project/schema/diff/:note_type', async (req) => {
    const p = await projectFromRequest(req, runtime);
    return engine.noteSchemas(p.name).diff((req.params as { note_type: string }).note_type);
  });
}
