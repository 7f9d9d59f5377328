// POST /{project}/prompt/continue-conversation and /{project}/prompt/search (upstream PromptResponse shapes).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SearchResult } from '../../engine-types.ts';
import { continueConversationPrompt, searchPrompt, type PromptMetadata } from '../../notes/prompts.ts';
import { parseTimeframe } from '../../notes/timeframe.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';
import { projectFromRequest } from '../project-param.ts';
import { parseBody, parseQuery, queryInt } from '../query-params.ts';

const ContinueBody = z.looseObject({
  topic: z.string().max(1000).nullish(),
  timeframe: z.string().max(100).nullish(),
  search_items_limit: z.number().int().min(1).max(10).default(5),
  depth: z.number().int().min(1).max(5).default(1),
  related_items_limit: z.number().int().min(1).max(10).default(5),
});
const SearchBody = z.looseObject({ query: z.string().max(1000), timeframe: z.string().max(100).nullish() });

function sinceOf(timeframe: string | null | undefined): Date | null {
  if (!timeframe) return null;
  try { return parseTimeframe(timeframe); } catch (e) { throw new HttpError(422, [{ type: 'value_error', loc: ['body', 'timeframe'], msg: (e as Error).message }]); }
}

export function registerPromptRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const engine = runtime.engine;

  app.post('/:project/prompt/continue-conversation', async (req) => {
    const b = parseBody(req, ContinueBody);
    const since = sinceOf(b.timeframe);
    const p = await projectFromRequest(req, runtime);
    const memory = engine.memory(p.name, runtime.registry.item(p).external_id);
    const q = { depth: b.depth, since, page: 1, page_size: 10, max_related: b.related_items_limit };
    let results: ReturnType<typeof memory.recent>['results'];
    let searchCount = 0;
    if (b.topic) {
      const hits = engine.search(p.name, { text: b.topic, page: 1, page_size: b.search_items_limit }).results
        .filter((r) => !since || r.updated_at >= since.toISOString());
      searchCount = hits.length;
      results = hits.filter((h) => h.permalink).flatMap((h) => memory.build(h.permalink!, q).results.slice(0, 3)).slice(0, 10);
    } else {
      results = memory.recent(['entity'], { ...q, since: since ?? sinceOf('7d') }).results.slice(0, 5);
    }
    const observation_count = results.reduce((n, r) => n + r.observations.length, 0);
    const relation_count = results.reduce((n, r) => n + r.related_results.filter((x) => x.type === 'relation').length, 0);
    const entity_count = results.reduce((n, r) => n + r.related_results.filter((x) => x.type === 'entity').length, 0);
    const topic = b.topic ?? `Recent Activity from (${b.timeframe ?? '7d'})`;
    const metadata: PromptMetadata = { query: b.topic ?? null, timeframe: b.timeframe ?? null, search_count: searchCount, context_count: results.length,
      observation_count, relation_count, total_items: results.length + observation_count + relation_count + entity_count,
      search_limit: b.search_items_limit, context_depth: b.depth, related_limit: b.related_items_limit, generated_at: new Date().toISOString() };
    return {
      prompt: continueConversationPrompt(b.topic ?? null, b.timeframe ?? null, results),
      context: { topic, timeframe: b.timeframe ?? null, hierarchical_results: results, has_results: results.length > 0 },
      metadata,
    };
  });

  app.post('/:project/prompt/search', async (req) => {
    const q = parseQuery(req, z.looseObject({ page: queryInt(1, 1, 100000), page_size: queryInt(10, 1, 100) }));
    const b = parseBody(req, SearchBody);
    const since = sinceOf(b.timeframe);
    const p = await projectFromRequest(req, runtime);
    const results: SearchResult[] = engine.search(p.name, { text: b.query, page: q.page, page_size: q.page_size }).results
      .filter((r) => !since || r.updated_at >= since.toISOString());
    const metadata: PromptMetadata = { query: b.query, timeframe: b.timeframe ?? null, search_count: results.length, context_count: results.length,
      observation_count: 0, relation_count: 0, total_items: results.length, search_limit: q.page_size, context_depth: 0, related_limit: 0,
      generated_at: new Date().toISOString() };
    return {
      prompt: searchPrompt(b.query, b.timeframe ?? null, results),
      context: { query: b.query, timeframe: b.timeframe ?? null, results, has_results: results.length > 0, result_count: results.length },
      metadata,
    };
  });
}
