// `/mcp` at the app's node:http edge (lib/http/node-request-hook.ts), before Next: the same endpoint as the route
// handler (app/mcp/route.ts), without Next's routing and rendering machinery on every tool call. The request
// becomes a web Request (headers only: the body is read from the socket when the endpoint asks, after authentication),
// the Response is written back as is.
import type http from 'node:http';
import { getLogger } from '../log.ts';
import { mcpEndpoint } from './mcp-endpoint.ts';
import type { McpEndpoint } from './mcp-http.ts';

/** `/mcp`, `/mcp/` and their query forms. */
export function isMcpRequestPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path === '/mcp' || path === '/mcp/';
}

/** The request body read from the socket, or null (and the request dropped) past `max` bytes. */
function readNodeBody(req: http.IncomingMessage, max: number): Promise<string | null> {
  const len = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(len) && len > max) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    const onData = (chunk: Buffer) => {
      n += chunk.length;
      if (n > max) { cleanup(); req.destroy(); resolve(null); return; }
      parts.push(chunk);
    };
    const onEnd = () => { cleanup(); resolve(Buffer.concat(parts, n).toString('utf8')); };
    const onError = (err: Error) => { cleanup(); reject(err); };
    const onClose = () => { if (!req.complete) { cleanup(); reject(new Error('The client closed the connection before sending the whole request.')); } };
    const cleanup = () => { req.off('data', onData); req.off('end', onEnd); req.off('error', onError); req.off('close', onClose); };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/** Serves one request with `endpoint` (the app's own by default). */
export async function serveMcpNode(req: http.IncomingMessage, res: http.ServerResponse, endpoint?: McpEndpoint): Promise<void> {
  try {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const ac = new AbortController();
    res.once('close', () => { if (!res.writableFinished) ac.abort(); });
    // The body stays on the socket until the endpoint asks for it (after authentication), read without web streams.
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/mcp'}`, { method: req.method, headers });
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const answer = await (endpoint ?? mcpEndpoint())(request, { signal: ac.signal, readBody: (max) => (hasBody ? readNodeBody(req, max) : Promise.resolve('')) });
    const out: Record<string, string | string[]> = {};
    answer.headers.forEach((v, k) => { out[k] = k === 'set-cookie' ? answer.headers.getSetCookie() : v; });
    res.writeHead(answer.status, out);
    if (!answer.body) { res.end(); return; }
    for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  } catch (err) {
    getLogger().error({ err: err instanceof Error ? err.message : String(err) }, 'mcp edge request failed');
    if (!res.headersSent) { res.writeHead(500, { 'content-type': 'application/json', 'cache-control': 'no-store' }); res.end(JSON.stringify({ detail: 'Internal error.' })); }
    else res.destroy();
  }
}
