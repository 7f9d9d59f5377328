// WebDAV (RFC 4918, class 1 and 2) over each project's files: `/webdav/{project}/{path}` on the tenant, reached by
// clients as `/proxy/webdav/{project}/{path}` through the control plane. Hand-written on fastify (see the README
// for why not a library): every path goes through the tenant's confinement (path-confinement.ts at the edge,
// safe-path.ts before the disk), uploads reuse the streamed, atomic, indexed PUT of put-resource.ts, and the
// signature check in front of every route is the tenant's own.
//
// Status codes are WebDAV's; error bodies are the tenant's JSON `{"detail": …}`.
//
// This file routes; the handling (webdav-dispatch.ts) is loaded at the first WebDAV request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantRuntime } from '../tenant-runtime.ts';
import type { DavContext } from './dav-context.ts';
import { DAV_METHODS, DAV_MOUNT } from './dav-location.ts';

export function registerWebdavRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  for (const m of ['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'] as const) {
    if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
  }
  // The handlers (≈ 40 modules with the XML parser) load at the first WebDAV request: a start or wake does not pay for
  // them.
  let ctx: DavContext | null = null;
  let handlers: Promise<{ ctx: DavContext; dispatch: typeof import('./webdav-dispatch.ts').dispatch }> | null = null;
  const load = () => (handlers ??= import('./webdav-dispatch.ts').then((m) => ({ ctx: (ctx = m.createDavContext(runtime)), dispatch: m.dispatch }))
    .catch((err: unknown) => { handlers = null; throw err; }));
  // Locks live in memory: while a client holds one, the tenant is not idle (sleeping would drop it).
  runtime.activity.addHold(() => ctx?.locks.anyLive() ?? false);

  // Returns the reply: fastify then waits for what was sent (a stream included) instead of ending the response.
  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const h = await load();
    await h.dispatch(h.ctx, req, reply);
    return reply;
  }

  app.register(async (scope) => {
    // Bodies stay streams here (uploads are streamed to disk; XML bodies are read under a cap).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => { done(null, payload); });
    scope.route({ method: [...DAV_METHODS], url: DAV_MOUNT, handler: handle, exposeHeadRoute: false });
    scope.route({ method: [...DAV_METHODS], url: `${DAV_MOUNT}/*`, handler: handle, exposeHeadRoute: false });
  });
}

