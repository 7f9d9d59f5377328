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
import { Readable } from 'node:stream';
import { resolvePrincipalWith } from '../auth/principal.ts';
import type { Database } from '../db/client.ts';
import { errorToResponse } from '../http/errors.ts';
import { handleTenantProxy, jsonDetail, PROXY_MOUNT, tenantPathFromRawUrl, type TenantProxyDeps } from './tenant-proxy.ts';

const KEY = Symbol.for('bmc.tenantProxyFastPath');
type Holder = { [KEY]?: { uninstall: () => void } };

export interface FastPathOptions {
  db: () => Promise<Database>;
  deps: () => Promise<TenantProxyDeps>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** True for requests the fast path serves: `/proxy/…` with an Authorization header. */
export function isFastPathRequest(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  return (url === PROXY_MOUNT || url.startsWith(PROXY_MOUNT + '/') || url.startsWith(PROXY_MOUNT + '?')) && req.headers.authorization !== undefined;
}

async function writeResponse(res: http.ServerResponse, r: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  r.headers.forEach((v, k) => {
    if (k === 'set-cookie') return;
    headers[k] = v;
  });
  headers['x-tenant-proxy'] = 'fast-path';
  res.writeHead(r.status, headers);
  if (!r.body) { res.end(); return; }
  const body = Readable.fromWeb(r.body as unknown as import('node:stream/web').ReadableStream<Uint8Array>);
  await new Promise<void>((resolve) => {
    body.on('error', () => { res.destroy(); resolve(); });
    res.on('close', () => { body.destroy(); resolve(); });
    body.pipe(res);
  });
}

export async function serveFastPath(req: http.IncomingMessage, res: http.ServerResponse, o: FastPathOptions): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => { if (!res.writableFinished) abort.abort(); });
  try {
    const rawUrl = req.url ?? '/';
    // Validate the request line as received (a WHATWG URL would resolve `..` before we could see it).
    if (!tenantPathFromRawUrl(rawUrl)) { req.resume(); await writeResponse(res, jsonDetail(400, 'Invalid path.')); return; }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i]!;
      if (k.startsWith(':')) continue;
      try { headers.append(k, req.rawHeaders[i + 1]!); } catch { /* invalid header value: drop */ }
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`http://fast-path.invalid${rawUrl}`, {
      method, headers, signal: abort.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit);
    const db = await o.db();
    // Authorization is present: the guard judges the request by it alone (no cookie fallback).
    const principal = await resolvePrincipalWith(request, { db, getSessionUserId: async () => null });
    let response: Response;
    if (!principal) response = jsonDetail(401, 'Authentication required.', { 'www-authenticate': 'Bearer realm="basic-memory-cloud"' });
    else if (!principal.tenant) response = jsonDetail(404, 'No tenant for this account.');
    else response = await handleTenantProxy(request, { tenantId: principal.tenant.id, via: 'bearer' }, await o.deps());
    if (!hasBody) req.resume();
    await writeResponse(res, response);
  } catch (err) {
    if (res.headersSent) { res.destroy(); return; }
    await writeResponse(res, errorToResponse(err)).catch(() => res.destroy());
  }
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
