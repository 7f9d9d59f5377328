// Fixtures for the /mcp tests: a CLI-session access token with chosen scopes (as the device grant would mint it),
// and the MCP endpoint served over real node:http (so real MCP clients can talk to it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../lib/db/client.ts';
import type { cliSessions } from '../../lib/db/schema.ts';
import { insertAccessToken, insertCliSession } from '../../lib/db/queries/oauth.ts';
import { ACCESS_TOKEN_PREFIX, hashSecret, randomToken } from '../../lib/auth/tokens.ts';

export async function mintToken(db: Database, userId: string, tenantId: string, scope = 'openid profile email offline_access', ttlMs = 3600_000): Promise<{ token: string; sessionId: string }> {
  const now = new Date();
  const session = await insertCliSession(db, { userId, tenantId, clientId: 'bmc-cli', scope } as typeof cliSessions.$inferInsert);
  const token = randomToken(ACCESS_TOKEN_PREFIX);
  await insertAccessToken(db, hashSecret(token), session.id, new Date(now.getTime() + ttlMs), now);
  return { token, sessionId: session.id };
}

/** Serves `handler` (a fetch-shaped endpoint) on 127.0.0.1 at a free port. */
export async function serveFetch(handler: (req: Request) => Promise<Response>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const r = await handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: body.length && req.method !== 'GET' && req.method !== 'HEAD' ? body : undefined }));
      const out: Record<string, string> = {};
      r.headers.forEach((v, k) => { out[k] = v; });
      res.writeHead(r.status, out);
      res.end(Buffer.from(await r.arrayBuffer()));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: err instanceof Error ? err.message : String(err) }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
