// The tenant API's HTTP surface (fastify). Order of checks per request: signature (onRequest) →
// index-ready gate → route: parse with zod → resolve the project → engine → respond.
import { installActivityTracking } from './activity.ts';
import { installConcurrencyLimit } from './concurrency-limit.ts';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pino from 'pino';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { installErrorHandling } from './errors.ts';
import { installRequestAuth } from './request-auth.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerImportRoutes } from './routes/importers.ts';
import { registerKnowledgeRoutes } from './routes/knowledge.ts';
import { registerMemoryRoutes } from './routes/memory.ts';
import { registerNotesRoutes } from './routes/notes.ts';
import { registerProjectRoutes } from './routes/projects.ts';
import { registerPromptRoutes } from './routes/prompt.ts';
import { registerSyncRunRoutes } from './routes/sync-runs.ts';
import { registerV2ProjectRoutes } from './routes/v2-projects.ts';
import { registerV2SchemaRoutes } from './routes/v2-schema.ts';
import { v2RewriteUrl } from './v2-rewrite.ts';
import { registerWebdavRoutes } from '../webdav/webdav-routes.ts';
import { registerArchiveRoutes } from '../archive/archive-routes.ts';
import { registerTrashRoutes } from './routes/trash.ts';
import { registerSnapshotRoutes } from './routes/snapshots.ts';
import { registerHistoryRoutes } from './routes/history.ts';
import { installWriteContext } from '../history/write-context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answers while the start-up rebuild runs (it does not need the index). */
    duringRebuild?: boolean;
  }
}

const REBUILDING_DETAIL = 'Index is rebuilding, retry shortly';

/** The validator and serializer factory of a server without route schemas: a route that declares one fails at start. */
function noRouteSchemas(): never {
  throw new Error('tenant routes declare no fastify schemas: parse with zod (query-params.ts)');
}

export function buildServer(opts: { runtime: TenantRuntime; secret: string; logger: pino.Logger; maxInFlight?: number }): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Fastify's access lines log every request at info; ours (below) are at debug and carry no headers.
    logController: new LogController({ disableRequestLogging: true }),
    // Exact paths only (no trailing-slash aliasing, no redirects), like the upstream contract wants.
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 4096 },
    bodyLimit: 25 * 1024 * 1024,
    return503OnClosing: false, // answered below with a JSON detail
    rewriteUrl: (req) => v2RewriteUrl(opts.runtime, req.method ?? 'GET', req.url ?? '/'),
    // Routes parse with zod and send plain JSON; without these fastify loads ajv and fast-json-stringify (≈ 110
    // modules, ≈ 30 ms of CPU at every start and wake) for route schemas we never declare.
    schemaController: { compilersFactory: { buildValidator: noRouteSchemas, buildSerializer: noRouteSchemas } },
  });

  // Clients send `Content-Type: application/json` with an empty body on POSTs without payload
  // (httpx `json={}` aside); treat that as "no body" instead of a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (!text) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new Error('Invalid JSON body') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });

  installErrorHandling(app);
  installActivityTracking(app, opts.runtime.activity);
  // First hook: shedding costs nothing when busy (no signature check, no file work).
  installConcurrencyLimit(app, opts.maxInFlight ?? 0);
  installRequestAuth(app, { secret: opts.secret, tenantId: opts.runtime.tenantId });
  app.addHook('onRequest', async (req, reply) => {
    if (opts.runtime.closing) return reply.code(503).header('connection', 'close').send({ detail: 'Tenant API is shutting down' });
    if (opts.runtime.ready || req.is404 || req.routeOptions.config?.duringRebuild) return;
    return reply.code(503).header('retry-after', '2').send({ detail: REBUILDING_DETAIL });
  });

  installWriteContext(app);

  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.raw.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  registerHealthRoutes(app, opts.runtime);
  registerProjectRoutes(app, opts.runtime);
  registerSyncRunRoutes(app, opts.runtime);
  registerNotesRoutes(app, opts.runtime);
  registerKnowledgeRoutes(app, opts.runtime);
  registerMemoryRoutes(app, opts.runtime);
  registerPromptRoutes(app, opts.runtime);
  registerImportRoutes(app, opts.runtime);
  registerV2ProjectRoutes(app, opts.runtime);
  registerV2SchemaRoutes(app, opts.runtime);
  registerWebdavRoutes(app, opts.runtime);
  registerArchiveRoutes(app, opts.runtime);
  registerTrashRoutes(app, opts.runtime);
  registerSnapshotRoutes(app, opts.runtime);
  registerHistoryRoutes(app, opts.runtime);
  return app;
}
