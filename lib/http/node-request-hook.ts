// The app's node:http edge: sees every request of the Next server process before Next does.
//   - `/proxy/*` request lines are checked here as received: Next resolves `.`/`..` (raw or %2e) before
//     a route handler could see them, so traversal would otherwise arrive normalised and be forwarded;
//   - Bearer `/proxy/*` requests are served here by the tenant proxy fast path (when enabled);
//   - every other request gets its socket peer stamped for the route handlers (request-info.ts),
//     since a route handler cannot see the socket and X-Forwarded-For is the client's to write.
// Next exposes no such hook, so this wraps http.Server.prototype.emit('request'); idempotent.
import http from 'node:http';
import { stampClientAddress } from '../auth/request-info.ts';
import { isFastPathRequest, serveFastPath, type FastPathOptions } from '../tenants/tenant-proxy-fast-path.ts';
import { isWebdavRequest, serveWebdav } from '../tenants/tenant-proxy-webdav.ts';
import { detailAnswer, isUnderProxyMount, tenantPathFromRawUrl, writeAnswer } from '../tenants/tenant-proxy.ts';
import { EventLoopLag, InFlightLimiter, admitOrShed, isSheddable } from './load-shedding.ts';

const KEY = Symbol.for('bmc.nodeRequestHook');
type Holder = { [KEY]?: { uninstall: () => void } };

export interface NodeRequestHookOptions {
  /** Serve Bearer /proxy/* here (TENANT_PROXY_FAST_PATH); null = let Next's route handler do it. */
  fastPath: FastPathOptions | null;
  /** Serve /proxy/webdav/* here (Basic app passwords or Bearer; Next's route handlers cannot take PROPFIND & co). */
  webdav?: FastPathOptions | null;
  /** Requests to /proxy/* and /api/* in flight at once before more are shed with 503 (0 = no limit). */
  maxInFlight?: number;
  /** Event-loop lag (ms) past which new /proxy/* and /api/* requests are shed (0 = off); needs maxInFlight. */
  maxEventLoopLagMs?: number;
  /** Requests in flight below which lag never sheds (default 8). */
  lagMinInFlight?: number;
  /** Serve /mcp here (the remote MCP endpoint); null = Next's route handler does (same endpoint, slower path). */
  mcp?: { matches(url: string): boolean; serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> } | null;
}

/** Installs the hook on every node:http server of this process. Returns an uninstall function. */
export function installNodeRequestHook(o: NodeRequestHookOptions): () => void {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY]!.uninstall;
  const original = http.Server.prototype.emit;
  const lag = o.maxInFlight && o.maxEventLoopLagMs ? new EventLoopLag() : null;
  const limiter = o.maxInFlight
    ? new InFlightLimiter(o.maxInFlight, lag ? { lag, maxLagMs: o.maxEventLoopLagMs!, minInFlight: o.lagMinInFlight ?? 8 } : null)
    : null;
  const patched = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const url = req.url ?? '/';
      if (limiter && isSheddable(url) && !admitOrShed(limiter, req, args[1] as http.ServerResponse)) return true;
      // Windows' WebDAV client (and some Finder versions) first ask the server root what it speaks; answer
      // without credentials (nothing is disclosed) so the mount goes on to /proxy/webdav/, which needs them.
      if (o.webdav && req.method === 'OPTIONS' && (url === '/' || url === '/proxy' || url === '/proxy/')) {
        req.resume();
        const res = args[1] as http.ServerResponse;
        res.writeHead(200, { dav: '1, 2', 'ms-author-via': 'DAV', allow: 'OPTIONS, PROPFIND', 'content-length': 0 });
        res.end();
        return true;
      }
      if (isUnderProxyMount(url) && !tenantPathFromRawUrl(url)) {
        req.resume();
        void writeAnswer(args[1] as http.ServerResponse, detailAnswer(400, 'Invalid path.'));
        return true;
      }
      if (o.webdav && isWebdavRequest(req)) {
        void serveWebdav(req, args[1] as http.ServerResponse, o.webdav).catch((err) => {
          o.webdav?.log?.('tenant proxy webdav failed', { error: String((err as Error)?.message ?? err) });
        });
        return true;
      }
      if (o.mcp && o.mcp.matches(url)) {
        stampClientAddress(req);
        void o.mcp.serve(req, args[1] as http.ServerResponse);
        return true;
      }
      if (o.fastPath && isFastPathRequest(req)) {
        void serveFastPath(req, args[1] as http.ServerResponse, o.fastPath).catch((err) => {
          o.fastPath?.log?.('tenant proxy fast path failed', { error: String((err as Error)?.message ?? err) });
        });
        return true;
      }
      stampClientAddress(req);
    }
    return (original as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof original;
  http.Server.prototype.emit = patched;
  const uninstall = () => {
    if (http.Server.prototype.emit === patched) http.Server.prototype.emit = original;
    lag?.stop();
    delete g[KEY];
  };
  g[KEY] = { uninstall };
  return uninstall;
}
