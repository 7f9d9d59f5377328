// `/proxy/webdav/*`: WebDAV clients (rclone, Finder, Windows, `bm cloud upload`) to the caller's own tenant.
// Served at the node:http layer like the Bearer fast path (same proxyToTenant: tenant from the caller, signing,
// streaming), because Next's route handlers cannot take PROPFIND, MKCOL, MOVE, COPY, LOCK, UNLOCK or PROPPATCH.
// Credentials: HTTP Basic with an app password (WebDAV paths only) or a CLI Bearer token; never the session
// cookie. Without credentials the answer is a 401 with a Basic challenge, which is how desktop clients ask.
import type http from 'node:http';
import { principalForWebdav } from '../auth/principal.ts';
import { clientIpFromNodeRequest } from '../auth/request-info.ts';
import { serveFastPath, type FastPathOptions } from './tenant-proxy-fast-path.ts';
import { PROXY_MOUNT, TENANT_WEBDAV_PATH } from './tenant-proxy.ts';

const WEBDAV_MOUNT = PROXY_MOUNT + TENANT_WEBDAV_PATH;

/** `/proxy/webdav`, `/proxy/webdav/…` (and `?…`): the raw request target, before any normalisation. */
export function isWebdavRequest(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === WEBDAV_MOUNT || url.startsWith(WEBDAV_MOUNT + '/') || url.startsWith(WEBDAV_MOUNT + '?');
}

export function serveWebdav(req: http.IncomingMessage, res: http.ServerResponse, o: FastPathOptions): Promise<void> {
  // A `#` cannot be part of a request target (RFC 9112 §3.2). Dropping it would turn `DELETE /dir/#x` into a DELETE of
  // `dir/`: a WebDAV method is refused instead. (Names with a `#` arrive percent-encoded as `%23`.)
  if ((req.url ?? '').includes('#')) {
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ detail: 'A request target cannot contain a fragment (#); percent-encode it as %23 in a name' }));
    return Promise.resolve();
  }
  return serveFastPath(req, res, o, (r, db) => principalForWebdav(r.headers.authorization, clientIpFromNodeRequest(r), { db, tokenCache: o.tokenCache?.() ?? null }),
    { 'x-tenant-proxy': 'webdav' });
}
