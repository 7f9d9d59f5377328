// Fast path for Bearer-authenticated `/proxy/*` requests (the CLI's traffic), served at the node:http
// layer of the Next server process instead of through Next's router and route-handler machinery, which
// costs several milliseconds per request on a small machine (see `npm run bench:proxy`).
//
// It changes nothing about *what* happens: the same principal guard (`resolvePrincipalWith`, Bearer
// only — a request carrying Authorization is judged by it alone, never by the cookie) and the same
// `handleTenantProxy` (validation, tenant from the caller, header hygiene, signing, streaming,
// timeouts, redirects, 403/503/502 answers). Requests without Authorization (the browser's session
// cookie) fall through to Next and `app/proxy/[...path]/route.ts`. The raw request line is checked
// for traversal *before* a WHATWG URL could normalise `..` away. TENANT_PROXY_FAST_PATH=false turns it off.
import http from 'node:http';
import type { AccessTokenCache } from '../auth/access-token-cache.ts';
import { principalFromAuthorization } from '../auth/principal.ts';
import type { Database } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { detailAnswer, PROXY_MOUNT, proxyToTenant, tenantPathFromRawUrl, writeAnswer, type ProxyAnswer, type TenantProxyDeps } from './tenant-proxy.ts';

const KEY = Symbol.for('bmc.tenantProxyFastPath');
type Holder = { [KEY]?: { uninstall: () => void } };

export interface FastPathOptions {
  db: () => Promise<Database>;
  deps: () => Promise<TenantProxyDeps>;
  /** The process's access-token cache (null: a lookup per request). */
  tokenCache?: () => AccessTokenCache | null;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** True for requests the fast path serves: `/proxy/…` with an Authorization header. */
export function isFastPathRequest(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  return (url === PROXY_MOUNT || url.startsWith(PROXY_MOUNT + '/') || url.startsWith(PROXY_MOUNT + '?')) && req.headers.authorization !== undefined;
}

const MARK = { 'x-tenant-proxy': 'fast-path' };

/** The caller's address for "last used from": the first X-Forwarded-For hop, else the socket peer. */
function clientIp(req: http.IncomingMessage): string | null {
  const xff = req.headers['x-forwarded-for'];
  const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
  const ip = first || req.socket.remoteAddress || null;
  return ip ? ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1').slice(0, 64) : null;
}

export async function serveFastPath(req: http.IncomingMessage, res: http.ServerResponse, o: FastPathOptions): Promise<void> {
  let abort: AbortController | null = null;
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  let answer: ProxyAnswer;
  try {
    const rawUrl = req.url ?? '/';
    // Validate the request line as received (a WHATWG URL would resolve `..` before we could see it).
    if (!tenantPathFromRawUrl(rawUrl)) answer = detailAnswer(400, 'Invalid path.');
    else {
      // Authorization is present: the guard judges the request by it alone (no cookie fallback).
      const principal = await principalFromAuthorization(req.headers.authorization, clientIp(req), { db: await o.db(), tokenCache: o.tokenCache?.() ?? null });
      if (!principal) answer = detailAnswer(401, 'Authentication required.', { 'www-authenticate': 'Bearer realm="basic-memory-cloud"' });
      else if (!principal.tenant) answer = detailAnswer(404, 'No tenant for this account.');
      else {
        if (hasBody) {
          abort = new AbortController();
          res.on('close', () => { if (!res.writableFinished) abort!.abort(); });
        }
        answer = await proxyToTenant({
          method, rawUrl, headers: req.headers, body: hasBody ? req : null, signal: abort?.signal,
        }, { tenantId: principal.tenant.id, via: 'bearer' }, await o.deps());
      }
    }
  } catch (err) {
    if (res.headersSent) { res.destroy(); return; }
    if (err instanceof HttpError) {
      const h: Record<string, string> = {};
      new Headers(err.headers).forEach((v, k) => { h[k] = v; });
      answer = detailAnswer(err.status, err.detail, h);
    } else {
      o.log?.('tenant proxy fast path failed', { error: String((err as Error)?.message ?? err) });
      answer = detailAnswer(500, 'Internal server error.');
    }
  }
  // Whatever was not forwarded is drained, so the connection stays usable.
  if (!hasBody || answer.body === null || typeof answer.body === 'string') req.resume();
  await writeAnswer(res, answer, MARK);
}

/**
 * Serves matching requests of every node:http server in this process (in practice: Next's) before
 * Next sees them. Idempotent; returns an uninstall function.
 */
export function installTenantProxyFastPath(o: FastPathOptions): () => void {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY]!.uninstall;
  const original = http.Server.prototype.emit;
  const patched = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      if (isFastPathRequest(req)) {
        void serveFastPath(req, args[1] as http.ServerResponse, o).catch((err) => {
          o.log?.('tenant proxy fast path failed', { error: String((err as Error)?.message ?? err) });
        });
        return true;
      }
    }
    return (original as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof original;
  http.Server.prototype.emit = patched;
  const uninstall = () => {
    if (http.Server.prototype.emit === patched) http.Server.prototype.emit = original;
    delete g[KEY];
  };
  g[KEY] = { uninstall };
  return uninstall;
}
