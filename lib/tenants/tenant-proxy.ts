// The tenant proxy: `/proxy/<path>` → the authenticated caller's own tenant API at `<path>`.
// (Named "tenant proxy" so it is not confused with Next's proxy.ts.)
//
// - The tenant comes from the caller (principal guard), never from the path, Host or X-Forwarded-*.
// - The raw request URL is checked before anything is forwarded: `.`/`..` segments in any encoding
//   (%2e, %252e, …), encoded slashes, backslashes (raw or encoded), NUL and empty segments → 400.
// - Bodies stream both ways (node:http, no buffering); hop-by-hop headers are stripped; the caller's
//   Cookie, Authorization and any X-BM-* / X-Forwarded-* headers are dropped; the request is signed
//   for the tenant (method + exact path and query).
// - Timeouts: connect (TENANT_PROXY_CONNECT_TIMEOUT_MS) and idle (TENANT_PROXY_IDLE_TIMEOUT_MS).
// - Redirects are never followed nor emitted: a 3xx redirect from a tenant becomes 502 JSON
//   (304 Not Modified passes, without Location).
// - Tenant not running: 403 subscription_required when it is inactive (desired state `stopped`),
//   503 + Retry-After while provisioning / starting / restarting / failed; unreachable → 502 JSON.
// - Tenant asleep (or being woken, or booted after an app restart or an admin start): the request wakes it and
//   waits (deps.wake, bounded), then goes through; a start that does not finish in time → 503 + Retry-After.
// - Cookie-authenticated unsafe methods need a same-origin `Origin`.
// - Only addresses on the allow-list (tenant-address.ts) are ever connected to, whatever the route says.
// - Answers without a Cache-Control of the tenant's own get `private, no-store`.
import http from 'node:http';
import { Readable, Transform } from 'node:stream';
import { BOOT_DETAIL, RESTART_REQUESTED_DETAIL, SHUTDOWN_DETAIL, START_REQUESTED_DETAIL, WAKING_DETAIL, type TenantRoute } from '../db/queries/tenants-runtime.ts';
import { secureUserContent } from '../http/user-content.ts';
import { allowsMemory, isMemoryScoped, scopeForTenantRequest } from '../auth/memory-scopes.ts';
import { recordProxyAnswer } from '../metrics/registry.ts';
import { tenantSignatureHeaders } from './tenant-credential.ts';
import { isAllowedTenantAddress, type TenantAddressAllowList } from './tenant-address.ts';

export interface TenantProxyCaller {
  tenantId: string;
  via: 'session' | 'bearer';
  /** The principal's scopes: a caller holding `memory:*` scopes (an API key) may only do what they allow. */
  scopes?: readonly string[];
  /**
   * Who is writing, for the tenant's note history (`X-BM-Actor`): "browser", "MCP: <client>"… Default: "browser"
   * for a session, "WebDAV (<client>)" on the WebDAV mount, "CLI" for other tokens.
   */
  actor?: string;
}

export interface TenantProxyDeps {
  getRoute(tenantId: string): Promise<TenantRoute | null>;
  /** Called when the cached route looks stale (connection refused). */
  invalidateRoute?(tenantId: string): void;
  authSecret: string;
  /** Our public origin (for the Origin check). */
  appOrigin: string;
  subscribeUrl: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  agent?: http.Agent;
  /** Path prefix the route is mounted at. */
  mountPath?: string;
  /** Addresses the driver hands out; a route pointing anywhere else is refused (502) unconnected. */
  allowList?: TenantAddressAllowList;
  /** Largest whole (Content-Length) tenant answer passed on, in bytes; larger → 502 before any byte. */
  maxResponseBytes?: number;
  /** Told when a route's address is refused (tampered or misconfigured). */
  onRefusedAddress?(tenantId: string, host: string, port: number): void;
  /**
   * Wakes a sleeping tenant and waits (bounded) until it runs; resolves with the route as last seen
   * (running, or still waking when the wait ran out, or whatever else it became). Absent: no waking here.
   */
  wake?(tenantId: string): Promise<TenantRoute | null>;
}

// A boot that normally ends in about a second (also the restart an app instance's shutdown leaves to the next
// one); a restart after a crash (it may crash again) and a full index
// rebuild (the tenant answers 503 itself while it lasts) are not waited for.
const WAITED_FOR_DETAILS = new Set([WAKING_DETAIL, BOOT_DETAIL, SHUTDOWN_DETAIL, START_REQUESTED_DETAIL, RESTART_REQUESTED_DETAIL]);

/**
 * Asleep, woken and not running yet, or being booted by its supervisor (after an app restart, an admin start or
 * restart): a request waits for it (bounded) instead of being refused.
 */
function waitsForStart(route: TenantRoute): boolean {
  return route.status === 'sleeping'
    || ((route.status === 'starting' || route.status === 'rebuilding') && WAITED_FOR_DETAILS.has(route.statusDetail ?? ''));
}

export const PROXY_MOUNT = '/proxy';

/** True when a raw request target is under the mount (including `/proxy%…`, which must be refused too). */
export function isUnderProxyMount(url: string): boolean {
  return url === PROXY_MOUNT || url.startsWith(PROXY_MOUNT + '/') || url.startsWith(PROXY_MOUNT + '?') || url.startsWith(PROXY_MOUNT + '%');
}

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'trailers', 'transfer-encoding', 'upgrade', 'http2-settings',
]);
/** Request headers never forwarded to a tenant (besides hop-by-hop). */
const DROP_IN = new Set([
  'host', 'cookie', 'authorization', 'forwarded', 'x-real-ip', 'x-client-ip', 'cf-connecting-ip', 'true-client-ip',
  'origin', 'referer', 'expect',
]);
const DROP_IN_PREFIXES = ['x-bm-', 'x-bmc-', 'x-forwarded-', 'x-middleware-', 'x-nextjs-', 'x-invoke-', 'next-', 'x-vercel-', 'sec-fetch-', 'x-workspace-'];
/** Response headers never passed back to the caller (besides hop-by-hop). */
const DROP_OUT = new Set(['set-cookie', 'set-cookie2', 'location', 'content-location', 'refresh', 'alt-svc', 'server', 'x-powered-by']);

const sharedAgent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, keepAliveMsecs: 1000 });

/**
 * One proxied request, in node:http terms (the fast path passes its IncomingMessage's parts; the route
 * handler converts its web Request). Header names are lower case.
 */
export interface ProxyRequest {
  method: string;
  /** The request target as received: `/proxy/…?…` or an absolute URL. */
  rawUrl: string;
  headers: http.IncomingHttpHeaders;
  /** The request body, if the method has one. */
  body: Readable | null;
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
  /**
   * The control plane's own server code (tenantCall), not a browser: it gets the tenant's headers as they are
   * (the real content type of a file); whatever it hands a browser it builds itself.
   */
  forServer?: boolean;
  /** The whole body when the caller holds it (server code): lets a read whose reused socket was closed under it go once more. */
  replayBody?: Buffer;
}

/** The proxy's answer: a JSON text of its own, or the tenant's response stream. */
export interface ProxyAnswer {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: string | Readable | null;
}

/** Whether a request carries a body (RFC 9112 §6.3: none without Content-Length or Transfer-Encoding). */
export function requestHasBody(method: string, headers: http.IncomingHttpHeaders): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  if (headers['transfer-encoding'] !== undefined) return true;
  const len = headers['content-length'];
  return len !== undefined && len !== '0';
}

/** The tenant's answer passed on as it comes, until `max` bytes; one byte more destroys both ends. */
function capStream(src: http.IncomingMessage, max: number): Readable {
  let seen = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) {
        src.destroy();
        cb(new Error(`tenant answer over ${max} bytes; cut off`));
        return;
      }
      cb(null, chunk);
    },
  });
  src.on('error', (e) => capped.destroy(e));
  // The cut may happen before anyone reads (pipe starts at once): consumers find it in `errored`.
  capped.on('error', () => {});
  capped.on('close', () => { if (!src.complete) src.destroy(); });
  return src.pipe(capped);
}

/** `{"detail": …}` with no-store, as a ProxyAnswer. */
export function detailAnswer(status: number, detail: unknown, headers: Record<string, string> = {}): ProxyAnswer {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers }, body: JSON.stringify({ detail }) };
}

/** A ProxyAnswer as a web Response (route handlers). */
function answerToResponse(a: ProxyAnswer): Response {
  const h = new Headers();
  for (const [k, v] of Object.entries(a.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else h.set(k, String(v));
  }
  const body = a.body == null ? null
    : typeof a.body === 'string' ? a.body
      : (Readable.toWeb(a.body) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status: a.status, headers: h });
}

/** Writes a ProxyAnswer to a node:http response, streaming the tenant's body. */
export function writeAnswer(res: http.ServerResponse, a: ProxyAnswer, extraHeaders?: http.OutgoingHttpHeaders): Promise<void> {
  res.writeHead(a.status, extraHeaders ? Object.assign(a.headers, extraHeaders) : a.headers);
  if (a.body == null) { res.end(); return Promise.resolve(); }
  if (typeof a.body === 'string') { res.end(a.body); return Promise.resolve(); }
  const body = a.body;
  if (body.errored || body.destroyed) { res.destroy(); return Promise.resolve(); }
  return new Promise<void>((resolve) => {
    body.on('error', () => { res.destroy(); resolve(); });
    res.on('close', () => { if (!body.readableEnded) body.destroy(); resolve(); });
    body.pipe(res);
  });
}

/**
 * Validates the path of the raw request URL and returns the tenant path (without the mount prefix),
 * percent-encoding preserved, or null when it must be refused.
 */
export function tenantPathFromRawUrl(rawUrl: string, mount = PROXY_MOUNT): { path: string; search: string } | null {
  // Work on the string as received: scheme://authority/path?query#fragment (absolute) or /path?query.
  let rest = rawUrl;
  const schemeEnd = rest.indexOf('://');
  if (schemeEnd >= 0) {
    const slash = rest.indexOf('/', schemeEnd + 3);
    rest = slash >= 0 ? rest.slice(slash) : '/';
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  const search = q >= 0 ? rest.slice(q) : '';
  if (!rawPath.startsWith(mount + '/')) return null;
  const tail = rawPath.slice(mount.length); // starts with '/'
  if (tail.length < 2 || tail.length > 4096) return null;
  if (/[\\\0\s]/.test(tail) || /[\x00-\x1f\x7f]/.test(tail) || /[\x00-\x1f\x7f]/.test(search)) return null;
  const segments = tail.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === '' && i !== segments.length - 1) return null; // `//`
    let cur = seg;
    for (let round = 0; round < 4; round++) {
      if (cur === '.' || cur === '..') return null;
      if (/[\\/\0]/.test(cur)) return null;
      if (!cur.includes('%')) break;
      let dec: string;
      try { dec = decodeURIComponent(cur); } catch { return null; } // malformed escapes
      if (dec === cur) break;
      cur = dec;
    }
    if (cur === '.' || cur === '..' || /[\\/\0]/.test(cur)) return null;
    // Control characters in any encoding (%0a, %7f, %250d…) are refused, never forwarded.
    if (/[\x00-\x1f\x7f]/.test(cur)) return null;
  }
  return { path: tail, search };
}

/** The caller's headers worth forwarding, as a raw [name, value, …] list (http.request takes it as is). */
function forwardRequestHeaders(headers: http.IncomingHttpHeaders, hasBody: boolean, out: string[]): void {
  const conn = headers.connection;
  const connectionTokens = conn ? new Set(String(conn).toLowerCase().split(',').map((s) => s.trim()).filter(Boolean)) : null;
  for (const k in headers) {
    const value = headers[k];
    if (value === undefined || HOP_BY_HOP.has(k) || DROP_IN.has(k) || connectionTokens?.has(k)) continue;
    if (!hasBody && k === 'content-length') continue;
    if (DROP_IN_PREFIXES.some((p) => k.startsWith(p))) continue;
    if (Array.isArray(value)) for (const v of value) out.push(k, v);
    else out.push(k, value);
  }
}

function responseHeaders(res: http.IncomingMessage, method: string, requestPath: string, forServer: boolean): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const conn = res.headers.connection;
  const connectionTokens = conn ? new Set(String(conn).toLowerCase().split(',').map((s) => s.trim()).filter(Boolean)) : null;
  for (const k in res.headers) {
    const value = res.headers[k];
    if (value === undefined || HOP_BY_HOP.has(k) || DROP_OUT.has(k) || connectionTokens?.has(k)) continue;
    out[k] = value;
  }
  out['x-content-type-options'] = 'nosniff';
  // The person's files must never run as the person on this origin (sandbox, nosniff, attachments).
  if (!forServer) secureUserContent(out, method, res.statusCode ?? 502, requestPath);
  // Per-user data: no shared cache may keep it unless the tenant said otherwise.
  if (out['cache-control'] === undefined) out['cache-control'] = 'private, no-store';
  return out;
}

function retryAfterSeconds(route: TenantRoute): number {
  if (route.nextRestartAt) {
    const s = Math.ceil((route.nextRestartAt.getTime() - Date.now()) / 1000);
    if (s > 0) return Math.min(s + 1, 300);
  }
  return route.status === 'failed' ? 60 : route.status === 'rebuilding' || waitsForStart(route) ? 5 : 2;
}

const UNAVAILABLE_MESSAGES: Record<string, string> = {
  provisioning: 'Your tenant is being provisioned. Try again in a few seconds.',
  starting: 'Your tenant is starting. Try again in a few seconds.',
  rebuilding: 'Your tenant is rebuilding its index from your files. Try again in a few seconds.',
  degraded: 'Your tenant is restarting after a problem. Try again in a few seconds.',
  stopped: 'Your tenant is not running at the moment. It will be started again shortly.',
  sleeping: 'Your tenant was asleep and is waking up. Try again in a few seconds.',
  failed: 'Your tenant failed to start repeatedly and is waiting for an operator.',
  running: 'Your tenant is not reachable at the moment.',
};

/** The 503 body while the tenant cannot serve yet (or any more). */
function tenantUnavailableAnswer(route: TenantRoute): ProxyAnswer {
  return detailAnswer(503, {
    error: route.status === 'failed' ? 'tenant_failed' : 'tenant_unavailable',
    status: route.status,
    message: UNAVAILABLE_MESSAGES[route.status] ?? 'Your tenant is not available.',
    since: route.statusChangedAt.toISOString(),
  }, { 'retry-after': String(retryAfterSeconds(route)) });
}

function subscriptionRequiredAnswer(subscribeUrl: string): ProxyAnswer {
  return detailAnswer(403, {
    error: 'subscription_required',
    message: 'Active subscription required for CLI access',
    subscribe_url: subscribeUrl,
  });
}

export function subscriptionRequired(subscribeUrl: string): Response {
  return answerToResponse(subscriptionRequiredAnswer(subscribeUrl));
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK']);

// ─── WebDAV (/proxy/webdav/* → the tenant's /webdav/*) ───────────────────────────────────────────

/** The tenant path of WebDAV requests. */
export const TENANT_WEBDAV_PATH = '/webdav';

/**
 * WebDAV's `Destination` (an absolute URL or path the client built from what it sees, `/proxy/webdav/…`) →
 * the tenant's path, checked like the request URL itself (traversal in any encoding refused). Only the path is
 * kept: the tenant is the caller's whatever host the URL names, and the tenant checks it stays in the project.
 * null = refuse (400).
 */
export function tenantWebdavDestination(value: string, mount = PROXY_MOUNT): string | null {
  const target = tenantPathFromRawUrl(value.trim(), mount);
  if (!target || target.search) return null;
  if (target.path !== TENANT_WEBDAV_PATH && !target.path.startsWith(TENANT_WEBDAV_PATH + '/')) return null;
  return target.path;
}

class UpstreamError extends Error {
  /** stale: a reused keep-alive socket failed before any answer (the request most likely never arrived). */
  kind: 'connect' | 'timeout' | 'reset' | 'stale';
  code?: string;
  constructor(kind: 'connect' | 'timeout' | 'reset' | 'stale', message: string, code?: string) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

const isServing = (r: TenantRoute) => r.status === 'running' || r.status === 'rebuilding' || r.status === 'degraded';

/** Handles one `/proxy/*` request for an already authenticated caller (counted in /metrics by status class). */
export async function proxyToTenant(req: ProxyRequest, caller: TenantProxyCaller, deps: TenantProxyDeps): Promise<ProxyAnswer> {
  const t0 = performance.now();
  let status = 500;
  try {
    const a = await proxyToTenantUncounted(req, caller, deps);
    status = a.status;
    return a;
  } finally {
    recordProxyAnswer(status, (performance.now() - t0) / 1000);
  }
}

async function proxyToTenantUncounted(req: ProxyRequest, caller: TenantProxyCaller, deps: TenantProxyDeps): Promise<ProxyAnswer> {
  const method = req.method.toUpperCase();
  const target = tenantPathFromRawUrl(req.rawUrl, deps.mountPath ?? PROXY_MOUNT);
  if (!target) return detailAnswer(400, 'Invalid path.');

  if (caller.scopes && isMemoryScoped(caller.scopes)) {
    const needed = scopeForTenantRequest(method, target.path);
    if (!allowsMemory(caller.scopes, needed)) {
      return detailAnswer(403, `This API key is read-only: ${method} ${PROXY_MOUNT}${target.path} needs ${needed}. Use a read-write key to change notes.`);
    }
  }

  if (caller.via === 'session' && UNSAFE.has(method)) {
    const origin = req.headers.origin;
    if (!origin || origin !== deps.appOrigin) return detailAnswer(403, 'Cross-origin request refused.');
  }

  let route = await deps.getRoute(caller.tenantId);
  if (!route) return detailAnswer(404, 'Tenant not found.');
  if (route.desiredState === 'stopped') return subscriptionRequiredAnswer(deps.subscribeUrl);
  if (waitsForStart(route) && deps.wake) {
    const woken = await deps.wake(caller.tenantId);
    if (!woken) return detailAnswer(404, 'Tenant not found.');
    if (woken.desiredState === 'stopped') return subscriptionRequiredAnswer(deps.subscribeUrl);
    route = woken;
  }
  if (!isServing(route) || !route.baseUrl) return tenantUnavailableAnswer(route);

  const pathAndQuery = target.path + target.search;
  const hasBody = req.body != null && method !== 'GET' && method !== 'HEAD';
  // WebDAV: hrefs in the tenant's answers must carry the mount the client sees; Destination is rewritten to the tenant path.
  let extra: string[] | undefined;
  if (target.path === TENANT_WEBDAV_PATH || target.path.startsWith(TENANT_WEBDAV_PATH + '/')) {
    extra = ['x-bm-href-prefix', deps.mountPath ?? PROXY_MOUNT];
    const dest = req.headers.destination;
    if (dest !== undefined) {
      const rewritten = typeof dest === 'string' ? tenantWebdavDestination(dest, deps.mountPath ?? PROXY_MOUNT) : null;
      if (!rewritten) return detailAnswer(400, 'Invalid Destination: it must be a /proxy/webdav/ path of this server.');
      req = { ...req, headers: { ...req.headers, destination: rewritten } };
    }
  } else if (req.headers.destination !== undefined) {
    req = { ...req, headers: { ...req.headers, destination: undefined } };
  }
  let attempt = 0;
  for (;;) {
    const base = parseBase(route.baseUrl!);
    if (deps.allowList && !isAllowedTenantAddress(deps.allowList, base.host, base.port)) {
      deps.onRefusedAddress?.(caller.tenantId, base.host, base.port);
      return detailAnswer(502, { error: 'tenant_address_refused', message: 'The tenant API address is not one the platform hands out.' });
    }
    try {
      return await forward(req, method, route, pathAndQuery, hasBody, caller, deps, extra);
    } catch (err) {
      const e = err as UpstreamError;
      if (e.kind === 'connect') {
        // The tenant may have moved (restart on another port) or gone down: look again once.
        deps.invalidateRoute?.(caller.tenantId);
        let fresh = await deps.getRoute(caller.tenantId);
        if (fresh && fresh.desiredState === 'stopped') return subscriptionRequiredAnswer(deps.subscribeUrl);
        // It went to sleep between our route lookup and the connection: wake it and try once more.
        if (fresh && waitsForStart(fresh) && deps.wake && !hasBody && attempt === 0) {
          fresh = await deps.wake(caller.tenantId);
          if (fresh && fresh.status === 'running' && fresh.baseUrl) {
            route = fresh;
            attempt++;
            continue;
          }
        }
        if (fresh && (!isServing(fresh) || !fresh.baseUrl)) return tenantUnavailableAnswer(fresh);
        if (fresh && fresh.baseUrl && fresh.baseUrl !== route.baseUrl && !hasBody && attempt === 0) {
          route = fresh;
          attempt++;
          continue;
        }
        // Connection refused right after a crash, before the supervisor noticed: it is restarting.
        if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') {
          return detailAnswer(503, { error: 'tenant_unavailable', status: 'restarting', message: 'Your tenant is not reachable right now; it is being restarted.' }, { 'retry-after': '2' });
        }
        return detailAnswer(502, { error: 'tenant_unreachable', message: `The tenant API could not be reached (${e.code ?? e.message}).` });
      }
      if (e.kind === 'timeout') return detailAnswer(504, { error: 'tenant_timeout', message: 'The tenant API did not answer in time.' });
      // A kept-alive socket the tenant closed just as we reused it (its idle timeout, a restart): the request never
      // reached it. A read goes once more on a fresh connection (Node's advice for reusedSocket resets); a write
      // does not, since it cannot be told apart from a reset after the tenant acted.
      if (e.kind === 'stale' && attempt === 0 && (!hasBody || req.replayBody) && scopeForTenantRequest(method, target.path) === 'memory:read') {
        if (hasBody) req = { ...req, body: Readable.from([req.replayBody!]) };
        attempt++;
        continue;
      }
      return detailAnswer(502, { error: 'tenant_unreachable', message: `The connection to the tenant API failed (${e.code ?? e.message}).` });
    }
  }
}

/** The route handler's entry: a web Request in, a web Response out (same rules as proxyToTenant). */
export async function handleTenantProxy(req: Request, caller: TenantProxyCaller, deps: TenantProxyDeps): Promise<Response> {
  const headers: http.IncomingHttpHeaders = {};
  req.headers.forEach((v, k) => { headers[k] = v; });
  const method = req.method.toUpperCase();
  // A web Request says itself whether it has a body (its headers need not show Transfer-Encoding).
  const body = req.body != null && method !== 'GET' && method !== 'HEAD' && headers['content-length'] !== '0'
    ? Readable.fromWeb(req.body as unknown as import('node:stream/web').ReadableStream<Uint8Array>)
    : null;
  return answerToResponse(await proxyToTenant({ method, rawUrl: req.url, headers, body, signal: req.signal }, caller, deps));
}

const baseCache = new Map<string, { host: string; port: number; hostHeader: string }>();
function parseBase(baseUrl: string) {
  let b = baseCache.get(baseUrl);
  if (!b) {
    const u = new URL(baseUrl);
    b = { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port), hostHeader: u.host };
    if (baseCache.size > 10_000) baseCache.clear();
    baseCache.set(baseUrl, b);
  }
  return b;
}

/** The caller's name in the note history (the tenant strips control characters and caps its length). */
function actorOf(caller: TenantProxyCaller, pathAndQuery: string, userAgent: string | undefined): string {
  if (caller.actor) return caller.actor;
  if (pathAndQuery === TENANT_WEBDAV_PATH || pathAndQuery.startsWith(TENANT_WEBDAV_PATH + '/')) {
    const client = userAgent?.split(/\s/)[0]?.slice(0, 60);
    return client ? `WebDAV (${client})` : 'WebDAV';
  }
  return caller.via === 'session' ? 'browser' : 'CLI';
}

function forward(req: ProxyRequest, method: string, route: TenantRoute, pathAndQuery: string, hasBody: boolean, caller: TenantProxyCaller, deps: TenantProxyDeps, extra?: string[]): Promise<ProxyAnswer> {
  const base = parseBase(route.baseUrl!);
  const headers: string[] = ['host', base.hostHeader];
  forwardRequestHeaders(req.headers, hasBody, headers);
  if (extra) headers.push(...extra);
  headers.push('x-bm-actor', encodeURIComponent(actorOf(caller, pathAndQuery, req.headers['user-agent'])));
  const sig = tenantSignatureHeaders(deps.authSecret, caller.tenantId, method, pathAndQuery);
  for (const k in sig) headers.push(k, sig[k]!);
  // Raw header lists are written at once, before end(): say "no body" explicitly, or node would send a
  // chunked POST/DELETE that the tenant reads as a body of unknown type.
  if (!hasBody && method !== 'GET' && method !== 'HEAD') headers.push('content-length', '0');

  return new Promise<ProxyAnswer>((resolve, reject) => {
    let settled = false;
    let connected = false;
    const fail = (e: UpstreamError) => {
      if (settled) return;
      settled = true;
      upstream.destroy();
      reject(e);
    };
    const upstream = http.request({
      host: base.host,
      port: base.port,
      method,
      path: pathAndQuery,
      headers,
      agent: deps.agent ?? sharedAgent,
    });
    // A reused keep-alive socket is already connected: the connect timer is only for new connections.
    let connectTimer: NodeJS.Timeout | undefined;
    upstream.on('socket', (socket) => {
      if (!socket.connecting) { connected = true; return; }
      connectTimer = setTimeout(() => fail(new UpstreamError('connect', 'connect timeout', 'ETIMEDOUT')), deps.connectTimeoutMs);
      socket.once('connect', () => { connected = true; clearTimeout(connectTimer); });
    });
    upstream.setTimeout(deps.idleTimeoutMs, () => {
      if (!settled) fail(new UpstreamError('timeout', 'idle timeout'));
      else upstream.destroy(new Error('idle timeout'));
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (settled) return;
      const stale = upstream.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      fail(new UpstreamError(stale ? 'stale' : connected ? 'reset' : 'connect', err.message, err.code));
    });
    const signal = req.signal;
    const onAbort = () => upstream.destroy(new Error('client aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });

    upstream.on('response', (res) => {
      clearTimeout(connectTimer);
      if (settled) { res.resume(); return; }
      settled = true;
      const status = res.statusCode ?? 502;
      if (status >= 300 && status < 400 && status !== 304) {
        res.resume();
        resolve(detailAnswer(502, { error: 'tenant_redirect', message: 'The tenant API answered with a redirect; the proxy never follows or forwards redirects.' }));
        return;
      }
      const noBody = method === 'HEAD' || status === 204 || status === 304;
      const max = deps.maxResponseBytes;
      let body: Readable = res;
      if (max !== undefined && !noBody) {
        const announced = Number(res.headers['content-length'] ?? NaN);
        // Whole answers (with a Content-Length) are checked before a byte is passed on; answers without
        // one (chunked) are counted as they stream and cut off at the limit (the client sees the answer
        // end unfinished: a truncated body never passes for a whole one).
        if (announced > max) {
          res.destroy();
          resolve(detailAnswer(502, { error: 'tenant_response_too_large', message: `The tenant API answer is larger than ${max} bytes.` }));
          return;
        }
        if (Number.isNaN(announced)) body = capStream(res, max);
      }
      if (noBody) res.resume();
      if (signal) res.on('close', () => signal.removeEventListener('abort', onAbort));
      resolve({ status, headers: responseHeaders(res, method, pathAndQuery, req.forServer === true), body: noBody ? null : body });
    });

    if (hasBody) {
      const src = req.body!;
      src.on('error', (err) => upstream.destroy(err));
      src.pipe(upstream);
    } else {
      upstream.end();
    }
  });
}
