// `/mcp`: the remote MCP endpoint (Streamable HTTP, stateless, both protocol eras) in front of the SDK's
// fetch-shaped handler. Before any method is dispatched: the browser Origin and the Host are checked (DNS-rebinding
// protection), the caller is authenticated by `Authorization: Bearer` alone (never the cookie) and the token's bound
// resource must be this endpoint, each tools/call is checked against the granted tool groups (403 insufficient_scope
// = step-up) and the person's call budget (429 + Retry-After). Then the SDK serves the JSON-RPC.
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Principal } from '../auth/principal.ts';
import { HttpError } from '../http/errors.ts';
import { recordMcpRefusal } from '../metrics/mcp-metrics.ts';
import type { McpConfig } from '../config/mcp.ts';
import { mcpInsufficientScope, mcpUnauthorized } from './auth-challenge.ts';
import type { CallBudget } from './call-budget.ts';
import type { McpCallRecorder } from './call-records.ts';
import { clientIdentity, type ClientIdentity } from './client-identity.ts';
import { mcpResourceUrl } from './mcp-resource.ts';
import { buildMcpServer, type McpCallContext } from './mcp-server.ts';
import { grantedMemoryScopes } from './scopes.ts';
import { tenantApi } from './tenant-api.ts';
import { TOOLS_BY_NAME } from './tools/index.ts';
import type { TenantProxyDeps } from '../tenants/tenant-proxy.ts';

export interface McpEndpointDeps {
  appUrl: string;
  config: McpConfig;
  /** The principal of an Authorization header (undefined when absent; throws a 401 HttpError when bad). */
  principalOf(authorization: string | null, ip: string | null): Promise<Principal | undefined>;
  requestInfo(req: Request): { ip: string | null; userAgent: string | null };
  budget: CallBudget;
  recorder: McpCallRecorder;
  /** The tenant proxy's dependencies (tests); the app's own by default. */
  tenantProxyDeps?: TenantProxyDeps;
}

const CORS_EXPOSE = 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version, Retry-After';
const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Mcp-Name, Last-Event-ID';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

interface JsonRpcMessage { jsonrpc?: string; id?: unknown; method?: string; params?: Record<string, unknown> }

async function readCapped(req: Request, max: number): Promise<string | null> {
  const len = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(len) && len > max) return null;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) { await reader.cancel().catch(() => {}); return null; }
    parts.push(value);
  }
  return Buffer.concat(parts, n).toString('utf8');
}

function isLoopbackOrigin(origin: string): boolean {
  try { return LOOPBACK.has(new URL(origin).hostname); } catch { return false; }
}

const jsonError = (status: number, detail: string, headers: Record<string, string> = {}) =>
  Response.json({ detail }, { status, headers: { 'cache-control': 'no-store', ...headers } });

const rpcError = (status: number, code: number, message: string, id: unknown = null) =>
  Response.json({ jsonrpc: '2.0', id, error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });

/**
 * What the node:http edge hands over with the request (lib/mcp/mcp-node.ts): the body read straight from the socket
 * (only once the caller is authenticated; null when over `max` bytes) and the client's connection signal, so the
 * request itself carries neither a web stream nor a followed signal.
 */
interface McpEdgeRequest {
  readBody(max: number): Promise<string | null>;
  signal: AbortSignal;
}

export type McpEndpoint = (req: Request, edge?: McpEdgeRequest) => Promise<Response>;

export function createMcpEndpoint(deps: McpEndpointDeps): McpEndpoint {
  const appOrigin = new URL(deps.appUrl).origin;
  const appHost = new URL(deps.appUrl).hostname;
  const resource = mcpResourceUrl(deps.appUrl);
  const allowedOrigins = new Set([appOrigin, ...deps.config.allowedOrigins]);
  // An app served on a loopback address (development) also takes loopback origins on any port (local tools such as
  // the Inspector); a public app takes only its own origin and the configured ones.
  const appIsLoopback = LOOPBACK.has(appHost);
  const sdk: McpHttpHandler = createMcpHandler(
    (c) => buildMcpServer((c.authInfo!.extra as { call: McpCallContext }).call),
    { legacy: 'stateless', maxRequestBodySize: deps.config.maxRequestBytes, responseMode: 'json' },
  );

  const withCors = (res: Response, origin: string | null): Response => {
    if (origin && allowedOrigins.has(origin)) {
      res.headers.set('access-control-allow-origin', origin);
      res.headers.set('access-control-expose-headers', CORS_EXPOSE);
      res.headers.append('vary', 'Origin');
    }
    return res;
  };

  return async function handleMcp(req: Request, edge?: McpEdgeRequest): Promise<Response> {
    const origin = req.headers.get('origin');
    // DNS rebinding: a browser page on another origin (or a rebound name) never reaches the tools.
    if (origin !== null && !allowedOrigins.has(origin) && !(appIsLoopback && isLoopbackOrigin(origin))) { recordMcpRefusal('origin'); return jsonError(403, 'Origin not allowed.'); }
    const host = (req.headers.get('host') ?? '').replace(/:\d+$/, '').toLowerCase();
    if (host && host !== appHost && !LOOPBACK.has(host)) { recordMcpRefusal('host'); return jsonError(403, 'Host not allowed.'); }

    if (req.method === 'OPTIONS') {
      return withCors(new Response(null, { status: 204, headers: {
        'access-control-allow-methods': 'POST, GET, DELETE, OPTIONS', 'access-control-allow-headers': CORS_ALLOW_HEADERS, 'access-control-max-age': '600',
      } }), origin);
    }

    // Authentication before anything is dispatched, whatever the method.
    const info = deps.requestInfo(req);
    let principal: Principal | undefined;
    try {
      principal = await deps.principalOf(req.headers.get('authorization'), info.ip);
    } catch (err) {
      recordMcpRefusal('invalid_token');
      const detail = err instanceof HttpError && err.status === 401 ? err.message : 'Invalid or expired access token.';
      return withCors(mcpUnauthorized(deps.appUrl, detail, /Malformed/.test(detail) ? 'invalid_request' : 'invalid_token'), origin);
    }
    if (!principal) { recordMcpRefusal('unauthenticated'); return withCors(mcpUnauthorized(deps.appUrl, 'Authentication required: send an OAuth access token as "Authorization: Bearer <token>".'), origin); }
    if (principal.resource != null && principal.resource !== resource) {
      recordMcpRefusal('wrong_resource');
      return withCors(mcpUnauthorized(deps.appUrl, `This token was issued for another resource; it must be bound to ${resource}.`, 'invalid_token'), origin);
    }
    if (!principal.tenant) { recordMcpRefusal('no_tenant'); return withCors(jsonError(403, 'Your account has no cloud storage to reach.'), origin); }

    if (req.method === 'GET' || req.method === 'DELETE') {
      // Stateless server: no standalone SSE stream and no session to end (spec: 405 for both).
      return withCors(new Response(null, { status: 405, headers: { allow: 'POST, OPTIONS' } }), origin);
    }
    if (req.method !== 'POST') return withCors(new Response(null, { status: 405, headers: { allow: 'POST, OPTIONS' } }), origin);

    const text = edge ? await edge.readBody(deps.config.maxRequestBytes) : await readCapped(req, deps.config.maxRequestBytes);
    if (text === null) { recordMcpRefusal('too_large'); return withCors(jsonError(413, `The request is larger than ${deps.config.maxRequestBytes} bytes.`), origin); }
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { return withCors(rpcError(400, -32700, 'Parse error: the body is not JSON.'), origin); }
    const messages: JsonRpcMessage[] = (Array.isArray(parsed) ? parsed : [parsed]).filter((m): m is JsonRpcMessage => !!m && typeof m === 'object');

    const granted = grantedMemoryScopes(principal.scopes);
    const identity: ClientIdentity = clientIdentity(messages, info.userAgent, principal.clientId ?? null);
    const tenantId = principal.tenant.id;
    const base = { tenantId, userId: principal.user.id, grantId: principal.sessionId ?? null, clientId: principal.clientId ?? null };
    for (const m of messages) {
      if (m.method !== 'tools/call') continue;
      const name = typeof m.params?.name === 'string' ? m.params.name : '';
      const tool = TOOLS_BY_NAME.get(name);
      if (tool && !granted.has(tool.group)) {
        deps.recorder.count({ ...base, tool: name, knownTool: true, outcome: 'insufficient_scope', ms: null, at: new Date() });
        return withCors(mcpInsufficientScope(deps.appUrl, tool.group, `The tool ${name} needs the ${tool.group} scope, which this connection was not granted.`), origin);
      }
      const wait = deps.budget.take(principal.user.id);
      if (wait !== null) {
        deps.recorder.count({ ...base, tool: name, knownTool: !!tool, outcome: 'rate_limited', ms: null, at: new Date() });
        return withCors(jsonError(429, `Too many tool calls: the budget is ${deps.config.callsPerMinute} per minute (burst ${deps.config.burst}). Retry in ${wait} s.`, { 'retry-after': String(wait) }), origin);
      }
    }

    const ac = new AbortController();
    (edge?.signal ?? req.signal)?.addEventListener('abort', () => ac.abort(), { once: true });
    const p = principal;
    const call: McpCallContext = {
      api: tenantApi(tenantId, ac.signal, deps.tenantProxyDeps, identity.name),
      principal: p,
      clientName: identity.name,
      isOpenAiClient: identity.isOpenAi,
      signal: ac.signal,
      maxResultChars: deps.config.maxResultChars,
      onNoteChanged: (project, filePath, tool) => deps.recorder.noteChanged({ tenantId, project, filePath, clientName: identity.name ?? 'MCP client', tool }),
      onToolCall: (tool, outcome, args, ms) => {
        const known = TOOLS_BY_NAME.has(tool);
        deps.recorder.count({ ...base, tool, knownTool: known, outcome, ms, at: new Date() });
        if (known && TOOLS_BY_NAME.get(tool)!.audited && (outcome === 'ok' || outcome === 'tool_error')) {
          const a = (args ?? {}) as Record<string, unknown>;
          const target = [a.project ?? a.project_name ?? '', a.identifier ?? ''].filter(Boolean).join(':') || null;
          deps.recorder.audit({ ...base, tool, target: target ? String(target).slice(0, 500) : null, clientName: identity.name, ip: info.ip, userAgent: info.userAgent, outcome });
        }
      },
    };
    const authInfo = { token: 'bearer', clientId: p.clientId ?? '', scopes: p.scopes, extra: { call } };
    // The SDK takes the parsed body as given and reads only the headers: a request whose body was consumed here is
    // handed on as a body-less copy; the edge's request never had one.
    const forward = req.bodyUsed ? new Request(req.url, { method: 'POST', headers: req.headers }) : req;
    const res = await sdk.fetch(forward, { authInfo, parsedBody: parsed });
    res.headers.set('cache-control', 'no-store');
    return withCors(res, origin);
  };
}
