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
// - Cookie-authenticated unsafe methods need a same-origin `Origin`.
import http from 'node:http';
import { Readable } from 'node:stream';
import type { TenantRoute } from '../db/queries/tenants-runtime.ts';
import { tenantSignatureHeaders } from './tenant-credential.ts';

export interface TenantProxyCaller {
  tenantId: string;
  via: 'session' | 'bearer';
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
}

export const PROXY_MOUNT = '/proxy';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'trailers', 'transfer-encoding', 'upgrade', 'http2-settings',
]);
/** Request headers never forwarded to a tenant (besides hop-by-hop). */
const DROP_IN = new Set([
  'host', 'cookie', 'authorization', 'forwarded', 'x-real-ip', 'x-client-ip', 'cf-connecting-ip', 'true-client-ip',
  'origin', 'referer', 'expect',
]);
const DROP_IN_PREFIXES = ['x-bm-', 'x-forwarded-', 'x-middleware-', 'x-nextjs-', 'x-invoke-', 'next-', 'x-vercel-', 'sec-fetch-', 'x-workspace-'];
/** Response headers never passed back to the caller (besides hop-by-hop). */
const DROP_OUT = new Set(['set-cookie', 'set-cookie2', 'location', 'content-location', 'refresh', 'alt-svc', 'server', 'x-powered-by']);

const sharedAgent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, keepAliveMsecs: 1000 });

export function jsonDetail(status: number, detail: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ detail }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
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
  if (/[\\\0\s]/.test(tail) || /[\x00-\x1f\x7f]/.test(search)) return null;
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
  }
  return { path: tail, search };
}

function forwardRequestHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const connectionTokens = new Set((req.headers.get('connection') ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
  req.headers.forEach((value, key) => {
    const k = key.toLowerCase();
    if (HOP_BY_HOP.has(k) || DROP_IN.has(k) || connectionTokens.has(k)) return;
    if (DROP_IN_PREFIXES.some((p) => k.startsWith(p))) return;
    out[k] = value;
  });
  return out;
}

function responseHeaders(res: http.IncomingMessage): Headers {
  const h = new Headers();
  const connectionTokens = new Set(String(res.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
  for (const [key, value] of Object.entries(res.headers)) {
    const k = key.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(k) || DROP_OUT.has(k) || connectionTokens.has(k)) continue;
    if (Array.isArray(value)) for (const v of value) h.append(k, v);
    else h.set(k, value);
  }
  h.set('x-content-type-options', 'nosniff');
  return h;
}

function retryAfterSeconds(route: TenantRoute): number {
  if (route.nextRestartAt) {
    const s = Math.ceil((route.nextRestartAt.getTime() - Date.now()) / 1000);
    if (s > 0) return Math.min(s + 1, 300);
  }
  return route.status === 'failed' ? 60 : route.status === 'rebuilding' ? 5 : 2;
}

/** The 503 body while the tenant cannot serve yet (or any more). */
export function tenantUnavailable(route: TenantRoute): Response {
  const messages: Record<string, string> = {
    provisioning: 'Your tenant is being provisioned. Try again in a few seconds.',
    starting: 'Your tenant is starting. Try again in a few seconds.',
    rebuilding: 'Your tenant is rebuilding its index from your files. Try again in a few seconds.',
    degraded: 'Your tenant is restarting after a problem. Try again in a few seconds.',
    stopped: 'Your tenant is not running at the moment. It will be started again shortly.',
    failed: 'Your tenant failed to start repeatedly and is waiting for an operator.',
    running: 'Your tenant is not reachable at the moment.',
  };
  return jsonDetail(503, {
    error: route.status === 'failed' ? 'tenant_failed' : 'tenant_unavailable',
    status: route.status,
    message: messages[route.status] ?? 'Your tenant is not available.',
    since: route.statusChangedAt.toISOString(),
  }, { 'retry-after': String(retryAfterSeconds(route)) });
}

export function subscriptionRequired(subscribeUrl: string): Response {
  return jsonDetail(403, {
    error: 'subscription_required',
    message: 'Active subscription required for CLI access',
    subscribe_url: subscribeUrl,
  });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

class UpstreamError extends Error {
  kind: 'connect' | 'timeout' | 'reset';
  code?: string;
  constructor(kind: 'connect' | 'timeout' | 'reset', message: string, code?: string) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

/** Handles one `/proxy/*` request for an already authenticated caller. */
export async function handleTenantProxy(req: Request, caller: TenantProxyCaller, deps: TenantProxyDeps): Promise<Response> {
  const method = req.method.toUpperCase();
  const target = tenantPathFromRawUrl(req.url, deps.mountPath ?? PROXY_MOUNT);
  if (!target) return jsonDetail(400, 'Invalid path.');

  if (caller.via === 'session' && UNSAFE.has(method)) {
    const origin = req.headers.get('origin');
    if (!origin || origin !== deps.appOrigin) return jsonDetail(403, 'Cross-origin request refused.');
  }

  let route = await deps.getRoute(caller.tenantId);
  if (!route) return jsonDetail(404, 'Tenant not found.');
  if (route.desiredState === 'stopped') return subscriptionRequired(deps.subscribeUrl);
  const serving = route.status === 'running' || route.status === 'rebuilding' || route.status === 'degraded';
  if (!serving || !route.baseUrl) return tenantUnavailable(route);

  const pathAndQuery = target.path + target.search;
  const hasBody = req.body != null && method !== 'GET' && method !== 'HEAD';
  let attempt = 0;
  for (;;) {
    try {
      return await forward(req, method, route, pathAndQuery, hasBody, caller, deps);
    } catch (err) {
      const e = err as UpstreamError;
      if (e.kind === 'connect') {
        // The tenant may have moved (restart on another port) or gone down: look again once.
        deps.invalidateRoute?.(caller.tenantId);
        const fresh = await deps.getRoute(caller.tenantId);
        if (fresh && fresh.desiredState === 'stopped') return subscriptionRequired(deps.subscribeUrl);
        if (fresh && (fresh.status !== 'running' && fresh.status !== 'rebuilding' && fresh.status !== 'degraded' || !fresh.baseUrl)) return tenantUnavailable(fresh);
        if (fresh && fresh.baseUrl && fresh.baseUrl !== route.baseUrl && !hasBody && attempt === 0) {
          route = fresh;
          attempt++;
          continue;
        }
        // Connection refused right after a crash, before the supervisor noticed: it is restarting.
        if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') {
          return jsonDetail(503, { error: 'tenant_unavailable', status: 'restarting', message: 'Your tenant is not reachable right now; it is being restarted.' }, { 'retry-after': '2' });
        }
        return jsonDetail(502, { error: 'tenant_unreachable', message: 'The tenant API could not be reached.' });
      }
      if (e.kind === 'timeout') return jsonDetail(504, { error: 'tenant_timeout', message: 'The tenant API did not answer in time.' });
      return jsonDetail(502, { error: 'tenant_unreachable', message: 'The connection to the tenant API failed.' });
    }
  }
}

function forward(req: Request, method: string, route: TenantRoute, pathAndQuery: string, hasBody: boolean, caller: TenantProxyCaller, deps: TenantProxyDeps): Promise<Response> {
  const base = new URL(route.baseUrl!);
  const headers: Record<string, string> = {
    ...forwardRequestHeaders(req),
    ...tenantSignatureHeaders(deps.authSecret, caller.tenantId, method, pathAndQuery),
    host: base.host,
  };
  if (!hasBody) delete headers['content-length'];

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let connected = false;
    const fail = (e: UpstreamError) => {
      if (settled) return;
      settled = true;
      upstream.destroy();
      reject(e);
    };
    const upstream = http.request({
      host: base.hostname.replace(/^\[|\]$/g, ''),
      port: Number(base.port),
      method,
      path: pathAndQuery,
      headers,
      agent: deps.agent ?? sharedAgent,
    });
    const connectTimer = setTimeout(() => fail(new UpstreamError('connect', 'connect timeout', 'ETIMEDOUT')), deps.connectTimeoutMs);
    upstream.on('socket', (socket) => {
      const onConnect = () => { connected = true; clearTimeout(connectTimer); };
      if (!socket.connecting) onConnect();
      else socket.once('connect', onConnect);
    });
    upstream.setTimeout(deps.idleTimeoutMs, () => {
      if (!settled) fail(new UpstreamError('timeout', 'idle timeout'));
      else upstream.destroy(new Error('idle timeout'));
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (settled) return;
      fail(new UpstreamError(connected ? 'reset' : 'connect', err.message, err.code));
    });
    const onAbort = () => upstream.destroy(new Error('client aborted'));
    req.signal?.addEventListener('abort', onAbort, { once: true });

    upstream.on('response', (res) => {
      clearTimeout(connectTimer);
      if (settled) { res.resume(); return; }
      settled = true;
      const status = res.statusCode ?? 502;
      if (status >= 300 && status < 400 && status !== 304) {
        res.resume();
        resolve(jsonDetail(502, { error: 'tenant_redirect', message: 'The tenant API answered with a redirect; the proxy never follows or forwards redirects.' }));
        return;
      }
      const noBody = method === 'HEAD' || status === 204 || status === 304;
      const body = noBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      if (noBody) res.resume();
      res.on('close', () => req.signal?.removeEventListener('abort', onAbort));
      resolve(new Response(body, { status, headers: responseHeaders(res) }));
    });

    if (hasBody) {
      const src = Readable.fromWeb(req.body as unknown as import('node:stream/web').ReadableStream<Uint8Array>);
      src.on('error', (err) => upstream.destroy(err));
      src.pipe(upstream);
    } else {
      upstream.end();
    }
  });
}
