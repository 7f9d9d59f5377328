// GET /{project}/memory/recent and GET /{project}/memory/{uri} (upstream GraphContext shapes, contract §3.3).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseTimeframe } from '../../notes/timeframe.ts';
import type { ItemType } from '../../notes/memory-context.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { assertGlobLength } from '../request-glob.ts';
import { HttpError } from '../errors.ts';
import { identifierFromUrl } from '../identifier-param.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseQuery, queryInt } from '../query-params.ts';

const ITEM_TYPES = ['entity', 'observation', 'relation'] as const;

const contextQuery = {
  depth: queryInt(1, 1, 10),
  page: queryInt(1, 1, 100000),
  page_size: queryInt(10, 1, 100),
  max_related: queryInt(10, 0, 100),
  timeframe: z.string().max(100).optional(),
};

function since(timeframe: string | undefined): Date | null {
  if (timeframe === undefined || timeframe === '') return null;
  try { return parseTimeframe(timeframe); } catch (e) {
    throw new HttpError(422, [{ type: 'value_error', loc: ['query', 'timeframe'], msg: (e as Error).message }]);
  }
}

/** `type` may repeat (`?type=entity&type=relation`); FastAPI reads every value. */
function typesOf(req: FastifyRequest): ItemType[] {
  const raw = (req.query as Record<string, unknown>).type;
  const list = (Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw]).map(String);
  for (const t of list) {
    if (!(ITEM_TYPES as readonly string[]).includes(t)) {
      throw new HttpError(422, [{ type: 'enum', loc: ['query', 'type'], msg: "Input should be 'entity', 'relation' or 'observation'" }]);
    }
  }
  return list.length ? [...new Set(list)] as ItemType[] : [...ITEM_TYPES];
}

export function registerMemoryRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const engine = runtime.engine;

  app.get('/:project/memory/recent', async (req) => {
    const q = parseQuery(req, z.looseObject({ ...contextQuery, timeframe: z.string().max(100).default('7d') }));
    const types = typesOf(req);
    const p = await projectFromRequest(req, runtime);
    return engine.memory(p.name, runtime.registry.item(p).external_id).recent(types, { depth: q.depth, since: since(q.timeframe), page: q.page, page_size: q.page_size, max_related: q.max_related });
  });

  app.get('/:project/memory/*', async (req) => {
    const uri = identifierFromUrl(req, 2);
    if (!uri) throw new HttpError(422, [{ type: 'value_error', loc: ['path', 'uri'], msg: 'Memory URL cannot be empty' }]);
    if (uri.includes('*')) assertGlobLength(uri, 'memory:// glob');
    const q = parseQuery(req, z.looseObject(contextQuery));
    const p = await projectFromRequest(req, runtime);
    return engine.memory(p.name, runtime.registry.item(p).external_id).build(uri, { depth: q.depth, since: since(q.timeframe), page: q.page, page_size: q.page_size, max_related: q.max_related });
  });
}
