// The authorization server's MCP half on a loopback port, without Next: metadata, registration, authorize,
// token, revoke, and a stand-in `/mcp` that authenticates exactly as the real one must (principalFromAuthorization
// with the canonical resource; 401 + WWW-Authenticate resource_metadata otherwise). Also a fixture server for
// client ID metadata documents, reached through the injectable transport as `https://client.test/…`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../lib/db/client.ts';
import type { OAuthConfig } from '../../lib/config/oauth.ts';
import { handleRevoke, handleToken } from '../../lib/auth/oauth-http.ts';
import {
  handleAuthorize, handleRegister, mcpAuthorizationServerMetadata, metadataResponse, protectedResourceMetadata, type McpOAuthDeps,
} from '../../lib/auth/mcp-oauth/http.ts';
import { mappedOriginsTransport, type MetadataTransport } from '../../lib/auth/mcp-oauth/client-metadata-fetch.ts';
import { principalFromAuthorization } from '../../lib/auth/principal.ts';
import type { AccessTokenCache } from '../../lib/auth/access-token-cache.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { mcpResourceUrl, protectedResourceMetadataUrl } from '../../lib/mcp/mcp-resource.ts';
import { send, toRequest } from './oauth-server.ts';

async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Serves `docs[path]` (a function may misbehave: stall, redirect, send too much). */
export function startMetadataFixtures(docs: Record<string, (res: http.ServerResponse) => void>) {
  return listen((req, res) => {
    const f = docs[new URL(req.url ?? '/', 'http://x').pathname];
    if (f) f(res); else { res.writeHead(404); res.end(); }
  });
}

export interface McpOAuthServer {
  base: string;
  cfg: OAuthConfig;
  deps: McpOAuthDeps;
  close: () => Promise<void>;
}

export async function startMcpOAuthServer(
  db: Database, cfg: (base: string) => OAuthConfig, opts: { fixturesBase?: string; tokenCache?: AccessTokenCache | null; metadataTimeoutMs?: number } = {},
): Promise<McpOAuthServer> {
  let base = '';
  let deps!: McpOAuthDeps;
  const transport: MetadataTransport | undefined = opts.fixturesBase ? mappedOriginsTransport({ 'https://client.test': opts.fixturesBase }) : undefined;
  const server = await listen(async (req, res) => {
    try {
      const request = await toRequest(req, base);
      const path = new URL(request.url).pathname;
      let r: Response;
      if (path === '/.well-known/oauth-authorization-server') r = metadataResponse(mcpAuthorizationServerMetadata(deps.cfg));
      else if (path === '/.well-known/oauth-protected-resource/mcp' || path === '/.well-known/oauth-protected-resource') r = metadataResponse(protectedResourceMetadata(deps.cfg));
      else if (path === '/oauth2/register' && req.method === 'POST') r = await handleRegister(request, deps);
      else if (path === '/oauth2/authorize' && req.method === 'GET') r = await handleAuthorize(request, deps);
      else if (path === '/oauth2/token' && req.method === 'POST') r = await handleToken(request, deps);
      else if (path === '/oauth2/revoke' && req.method === 'POST') r = await handleRevoke(request, deps);
      else if (path === '/mcp' || path === '/api/me') r = await whoAmI(request, path === '/mcp' ? mcpResourceUrl(base) : undefined);
      else r = Response.json({ detail: 'Not found.' }, { status: 404 });
      await send(res, r);
    } catch (err) {
      res.writeHead(500); res.end(String(err));
    }
  });
  async function whoAmI(request: Request, resource: string | undefined): Promise<Response> {
    try {
      const p = await principalFromAuthorization(request.headers.get('authorization'), null, { db, resource, tokenCache: opts.tokenCache ?? null });
      if (!p) throw new HttpError(401, 'Authentication required.');
      return Response.json({ user: p.user.id, tenant: p.tenant?.id ?? null, scopes: p.scopes, clientId: p.clientId ?? null, resource: p.resource ?? null, sessionId: p.sessionId });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      return Response.json({ detail: err instanceof Error ? err.message : 'error' }, {
        status, headers: { 'www-authenticate': `Bearer resource_metadata="${protectedResourceMetadataUrl(base)}", scope="memory:read memory:write memory:admin"` },
      });
    }
  }
  base = server.base;
  deps = { db, cfg: cfg(base), metadataTransport: transport, metadataTimeoutMs: opts.metadataTimeoutMs };
  return { base, cfg: deps.cfg, deps, close: server.close };
}
