// The one wrapper of every authenticated JSON route under app/api (BFF, account and admin routes). One declaration
// says who may call (ways in, role), which tenant the route acts on (always the principal's: its own, or one of its
// workspaces chosen by X-Workspace-ID among its memberships; never an id from the request), which memory scope a
// scoped credential needs, and the zod schemas of path params, query and body. The wrapper then:
//   - resolves the principal (401 `{"detail"}`; role routes marked `hidden` answer 404 to everyone without the role),
//   - refuses cookie-authenticated writes without our own Origin (403),
//   - parses params (404 when they name nothing), query and body (422; a body that is not JSON is 400),
//   - turns thrown HttpErrors into `{"detail"}` JSON and anything else into a bare 500 (no stack traces),
//   - answers `Cache-Control: no-store`, and serialises a returned plain value as JSON 200.
//
//   export const DELETE = apiRoute({ tenant: 'own', params: z.object({ id: z.uuid() }) },
//     async ({ tenant, params }) => ({ purged: await purge(tenant.id, params.id) }));
//
// Routes that do not fit, on purpose (README "What is where"): the OAuth protocol endpoints (/oauth2/*, /.well-known/*,
// RFC error shapes), the device and connect form posts that redirect, /proxy/* (streams, WebDAV), /mcp (JSON-RPC),
// /metrics (its own bearer token), /tenant/mount/* (upstream's contract shapes, with their own testable core),
// next-auth's /api/auth/*, and the public /api/health and unknown-/api 404.
import { z } from 'zod';
import { type Principal, type PrincipalDeps, resolvePrincipal, resolvePrincipalWith, unauthenticated } from '../auth/principal.ts';
import { allowsMemory, type MemoryScope } from '../auth/memory-scopes.ts';
import { isOps } from '../auth/users.ts';
import type { Tenant } from '../db/schema.ts';
import { checkSameOrigin, type ErrorDetail, errorToResponse, HttpError, noTenant } from './errors.ts';

type Via = Principal['via'];
type Issues = z.core.$ZodIssue[];
type Where = 'params' | 'query' | 'body';

/** Turns failed validation into the error the route answers. */
export type Refusal = (issues: Issues, where: Where) => HttpError;

/** 422 with the messages joined into one sentence (what people and upstream's CLI print). */
const issueMessages: Refusal = (issues) => new HttpError(422, issues.map((i) => i.message).join('; '));
/** 422 with FastAPI's list of `{loc, msg, type}` (what the tenant API answers, and the editor reads). */
export const issueList: Refusal = (issues, where) =>
  new HttpError(422, issues.map((i) => ({ loc: [where, ...i.path.map(String)], msg: i.message, type: i.code })) as unknown as Record<string, unknown>);
/** Always the same answer, whatever was wrong. */
export const refuseWith = (status: number, detail: ErrorDetail): Refusal => () => new HttpError(status, detail);

export interface ApiRouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, T extends 'own' | 'workspace' | undefined> {
  /** Ways in (default: browser session, CLI token, API key). */
  via?: Via[];
  /** Only users with this role; others get 404 (the route does not exist for them). */
  role?: 'ops' | 'admin';
  /** With `role`: signed-out callers get the same 404 instead of a 401. */
  hidden?: boolean;
  /** The tenant acted on: the principal's own, or the workspace chosen among its memberships (X-Workspace-ID). 404 when none. */
  tenant?: T;
  /** The memory scope a scoped credential (API key) needs; unscoped principals have full access. 403 otherwise. */
  scope?: MemoryScope;
  params?: P;
  query?: Q;
  body?: B;
  /** How failed validation answers (defaults: params 404 "Not found.", query and body `issueMessages`). */
  invalid?: Partial<Record<Where, Refusal>>;
  /** Shown in the 400 when the body is not JSON, e.g. `{"name": "…"}`. */
  bodyExample?: string;
  /** Test seam: resolve the principal with these dependencies (and the request's own origin as ours). */
  deps?: PrincipalDeps;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

interface ApiRouteInput<P, Q, B, T> {
  req: Request;
  principal: Principal;
  tenant: T extends 'own' | 'workspace' ? Tenant : null;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

type Handler<P, Q, B, T> = (input: ApiRouteInput<P, Q, B, T>) => Promise<Response | object>;
type RouteCtx = { params?: Promise<Record<string, string | string[]>> };

async function readJson(req: Request, example: string | undefined): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try { return JSON.parse(text); } catch { throw new HttpError(400, example ? `The body must be JSON: ${example}.` : 'The body must be JSON.'); }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: Where, refuse: Refusal): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw refuse(r.error.issues, where);
  return r.data;
}

async function principalOf(req: Request, deps: PrincipalDeps | undefined): Promise<Principal | null> {
  return deps ? resolvePrincipalWith(req, deps) : resolvePrincipal(req);
}

async function appUrlOf(req: Request, deps: PrincipalDeps | undefined): Promise<string> {
  return deps ? new URL(req.url).origin : (await import('../config/index.ts')).getConfig().app.appUrl;
}

async function tenantOf(spec: { tenant?: 'own' | 'workspace'; deps?: PrincipalDeps }, p: Principal, req: Request): Promise<Tenant | null> {
  if (!spec.tenant) return null;
  if (spec.tenant === 'own') {
    if (!p.tenant) throw noTenant();
    return p.tenant;
  }
  const { workspaceForRequest } = await import('../workspaces/select-workspace.ts');
  const db = spec.deps ? spec.deps.db : async () => (await import('../db/index.ts')).getDb();
  return workspaceForRequest(db, p, req.headers);
}

function hasRole(p: Principal, role: 'ops' | 'admin'): boolean {
  return role === 'admin' ? p.user.role === 'admin' : isOps(p.user);
}

function noStore(res: Response): Response {
  if (res.headers.has('cache-control')) return res;
  try {
    res.headers.set('cache-control', 'no-store');
    return res;
  } catch {
    const headers = new Headers(res.headers);
    headers.set('cache-control', 'no-store');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}

/** One authenticated JSON route; see the top of this file. */
export function apiRoute<
  P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined, T extends 'own' | 'workspace' | undefined = undefined,
>(spec: ApiRouteSpec<P, Q, B, T>, handler: Handler<P, Q, B, T>): (req: Request, ctx: RouteCtx) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const hidden = () => new HttpError(404, 'Not found.');
      let p: Principal | null;
      try { p = await principalOf(req, spec.deps); } catch (err) { if (spec.hidden) throw hidden(); throw err; }
      if (!p) throw spec.hidden ? hidden() : unauthenticated();
      if (spec.via && !spec.via.includes(p.via)) throw spec.hidden ? hidden() : unauthenticated(`This endpoint needs a ${spec.via.join(' or ')} credential.`);
      if (spec.role && !hasRole(p, spec.role)) throw hidden();
      if (p.via === 'session') {
        const bad = checkSameOrigin(req, await appUrlOf(req, spec.deps));
        if (bad) throw bad;
      }
      if (spec.scope && !allowsMemory(p.scopes, spec.scope)) throw new HttpError(403, `This credential lacks the ${spec.scope} scope.`);
      const invalid = spec.invalid ?? {};
      const params = spec.params ? parse(spec.params, await ctx?.params, 'params', invalid.params ?? refuseWith(404, 'Not found.')) : undefined;
      const tenant = await tenantOf(spec, p, req);
      const query = spec.query ? parse(spec.query, Object.fromEntries(new URL(req.url).searchParams), 'query', invalid.query ?? issueMessages) : undefined;
      const body = spec.body ? parse(spec.body, await readJson(req, spec.bodyExample), 'body', invalid.body ?? issueMessages) : undefined;
      const out = await handler({ req, principal: p, tenant, params, query, body } as ApiRouteInput<P, Q, B, T>);
      return noStore(out instanceof Response ? out : Response.json(out));
    } catch (err) {
      return errorToResponse(err);
    }
  };
}
