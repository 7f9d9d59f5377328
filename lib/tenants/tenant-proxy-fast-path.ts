// Fast path for Bearer-authenticated `/proxy/*` requests (the CLI's traffic), served at the node:http
// layer of the Next server process instead of through Next's router and route-handler machinery, which
// costs several milliseconds per request on a small machine (see `npm run bench:proxy`).
//
// It changes nothing about *what* happens: the same principal guard (`principalFromAuthorization`, Bearer
// only — a request carrying Authorization is judged by it alone, never by the cookie) and the same
// `proxyToTenant` (validation, tenant from the caller, header hygiene, signing, streaming, timeouts,
// redirects, 403/503/502 answers). Requests without Authorization (the browser's session cookie) fall
// through to Next and `app/proxy/[...path]/route.ts`. The node:http hook (lib/http/node-request-hook.ts)
// refuses traversal in the raw request line before either sees it. TENANT_PROXY_FAST_PATH=false turns it off.
import http from 'node:http';
import type { AccessTokenCache } from '../auth/access-token-cache.ts';
import { principalFromAuthorization, type Principal } from '../auth/principal.ts';
import { clientIpFromNodeRequest } from '../auth/request-info.ts';
import type { Database } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { workspaceForRequest } from '../workspaces/select-workspace.ts';
import { detailAnswer, isUnderProxyMount, proxyToTenant, requestHasBody, writeAnswer, type ProxyAnswer, type TenantProxyDeps } from './tenant-proxy.ts';

export interface FastPathOptions {
  db: () => Promise<Database>;
  deps: () => Promise<TenantProxyDeps>;
  /** The process's access-token cache (null: a lookup per request). */
  tokenCache?: () => AccessTokenCache | null;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** True for requests the fast path serves: `/proxy/…` with an Authorization header. */
export function isFastPathRequest(req: http.IncomingMessage): boolean {
  return req.headers.authorization !== undefined && isUnderProxyMount(req.url ?? '');
}

const MARK = { 'x-tenant-proxy': 'fast-path' };

/** Who is calling: `principalFromAuthorization` by default (Bearer); WebDAV passes its own (Basic app passwords too). */
export type FastPathAuthenticate = (req: http.IncomingMessage, db: Database, o: FastPathOptions) => Promise<Principal | undefined>;

export async function serveFastPath(req: http.IncomingMessage, res: http.ServerResponse, o: FastPathOptions, authenticate?: FastPathAuthenticate, mark = MARK): Promise<void> {
  let abort: AbortController | null = null;
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = requestHasBody(method, req.headers);
  let answer: ProxyAnswer;
  try {
    // The request line as received was checked by the node:http hook already; proxyToTenant derives
    // the tenant path from it (and refuses it again when called without the hook).
    const rawUrl = req.url ?? '/';
    // Authorization is present: the guard judges the request by it alone (no cookie fallback).
    const principal = authenticate ? await authenticate(req, await o.db(), o)
      : await principalFromAuthorization(req.headers.authorization, clientIpFromNodeRequest(req), { db: await o.db(), tokenCache: o.tokenCache?.() ?? null });
    if (!principal) answer = detailAnswer(401, 'Authentication required.', { 'www-authenticate': 'Bearer realm="basic-memory-cloud"' });
    else {
      // X-Workspace-ID names one of the caller's workspaces (no header: their default); anything else is refused.
      const tenant = await workspaceForRequest(o.db, principal, req.headers);
      if (hasBody) {
        abort = new AbortController();
        res.on('close', () => { if (!res.writableFinished) abort!.abort(); });
      }
      answer = await proxyToTenant({
        method, rawUrl, headers: req.headers, body: hasBody ? req : null, signal: abort?.signal,
      }, { tenantId: tenant.id, via: 'bearer', scopes: principal.scopes }, await o.deps());
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
  await writeAnswer(res, answer, mark);
}
