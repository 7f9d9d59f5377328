// `/mcp` at the app's node:http edge (lib/http/node-request-hook.ts), before Next: the same endpoint as the route
// handler (app/mcp/route.ts), without Next's routing and rendering machinery on every tool call. The request
// becomes a web Request (body streamed), the Response is written back as is.
import type http from 'node:http';
import { Readable } from 'node:stream';
import { getLogger } from '../log.ts';
import { mcpEndpoint } from './mcp-endpoint.ts';

/** `/mcp`, `/mcp/` and their query forms. */
export function isMcpRequestPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path === '/mcp' || path === '/mcp/';
}

/** Serves one request with `endpoint` (the app's own by default). */
export async function serveMcpNode(req: http.IncomingMessage, res: http.ServerResponse, endpoint?: (req: Request) => Promise<Response>): Promise<void> {
  try {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const ac = new AbortController();
    res.once('close', () => { if (!res.writableFinished) ac.abort(); });
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/mcp'}`, {
      method: req.method, headers, signal: ac.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
    } as RequestInit);
    const answer = await (endpoint ?? mcpEndpoint())(request);
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
