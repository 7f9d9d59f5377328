// The app's node:http edge: sees every request of the Next server process before Next does.
//   - Bearer `/proxy/*` requests are served here by the tenant proxy fast path (when enabled);
//   - every other request gets its socket peer stamped for the route handlers (request-info.ts),
//     since a route handler cannot see the socket and X-Forwarded-For is the client's to write.
// Next exposes no such hook, so this wraps http.Server.prototype.emit('request'); idempotent.
import http from 'node:http';
import { stampClientAddress } from '../auth/request-info.ts';
import { isFastPathRequest, serveFastPath, type FastPathOptions } from '../tenants/tenant-proxy-fast-path.ts';

const KEY = Symbol.for('bmc.nodeRequestHook');
type Holder = { [KEY]?: { uninstall: () => void } };

export interface NodeRequestHookOptions {
  /** Serve Bearer /proxy/* here (TENANT_PROXY_FAST_PATH); null = let Next's route handler do it. */
  fastPath: FastPathOptions | null;
}

/** Installs the hook on every node:http server of this process. Returns an uninstall function. */
export function installNodeRequestHook(o: NodeRequestHookOptions): () => void {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY]!.uninstall;
  const original = http.Server.prototype.emit;
  const patched = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
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
    delete g[KEY];
  };
  g[KEY] = { uninstall };
  return uninstall;
}
