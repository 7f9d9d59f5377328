// A minimal HTTP server around the real OAuth handlers + the principal guard (no Next), on a
// loopback port, for CLI tests and the bench. The db and config are the caller's.
import { stampClientAddress } from '../../lib/auth/request-info.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../lib/db/client.ts';
import type { OAuthConfig } from '../../lib/config/oauth.ts';
import { handleDeviceAuthorization, handleRevoke, handleToken } from '../../lib/auth/oauth-http.ts';
import type { OAuthDeps } from '../../lib/auth/oauth-response.ts';
import { apiRoute } from '../../lib/http/api-route.ts';

export async function toRequest(req: http.IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  if (!headers.has('x-forwarded-for')) headers.set('x-forwarded-for', req.socket.remoteAddress ?? '');
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  return new Request(base + req.url, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
}

export async function send(res: http.ServerResponse, r: Response): Promise<void> {
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => { headers[k] = v; });
  res.writeHead(r.status, headers);
  res.end(Buffer.from(await r.arrayBuffer()));
}

export async function startOAuthServer(db: Database, cfg: (base: string) => OAuthConfig, now?: () => Date) {
  let base = '';
  let deps: OAuthDeps;
  const me = apiRoute({ deps: { db, getSessionUserId: async () => null } }, async ({ principal: p }) => ({
    user: { id: p.user.id, email: p.user.email, name: p.user.name },
    tenant: p.tenant ? { id: p.tenant.id, name: p.tenant.name, status: p.tenant.status } : null, via: p.via,
  }));
  const server = http.createServer(async (req, res) => {
    try {
      stampClientAddress(req); // as the app's node:http request hook does
      const request = await toRequest(req, base);
      const path = new URL(request.url).pathname;
      let r: Response;
      if (req.method === 'POST' && path === '/oauth2/device_authorization') r = await handleDeviceAuthorization(request, deps);
      else if (req.method === 'POST' && path === '/oauth2/token') r = await handleToken(request, deps);
      else if (req.method === 'POST' && path === '/oauth2/revoke') r = await handleRevoke(request, deps);
      else if (req.method === 'GET' && path === '/api/me') r = await me(request, {});
      else r = Response.json({ detail: 'Not found.' }, { status: 404 });
      await send(res, r);
    } catch (err) {
      res.writeHead(500); res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps = { db, cfg: cfg(base), now };
  return { base, cfg: deps.cfg, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
