// Signed calls with bytes in and out (raw bodies and headers: files, HEAD, PUT /resource) from the control
// plane's own server code (server components, BFF routes) to the caller's tenant API, through the same code as /proxy/* (proxyToTenant): the same tenant-state
// answers (503 while starting, 403 when stopped), the same signing and timeouts. The tenant id
// always comes from the authenticated session (requireTenant / requireApiTenant), never from input.
import type http from 'node:http';
import { Readable } from 'node:stream';
import { getTenantProxyDeps } from './services.ts';
import { PROXY_MOUNT, proxyToTenant } from './tenant-proxy.ts';

export interface TenantCallResult {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

export interface TenantCallOptions {
  /** JSON body (sent as application/json). */
  json?: unknown;
  /** Raw body (e.g. a file's bytes for PUT /resource). */
  raw?: Buffer;
  contentType?: string;
  /** Largest body read back; more is cut off and `truncated` set by readBody. */
  maxBytes?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX = 64 * 1024 * 1024;

/** One call to `pathAndQuery` (e.g. `/main/search?q=x`, already percent-encoded) on the tenant. */
export async function tenantCall(tenantId: string, method: string, pathAndQuery: string, opts: TenantCallOptions = {}): Promise<TenantCallResult> {
  const deps = await getTenantProxyDeps();
  const payload = opts.json !== undefined ? Buffer.from(JSON.stringify(opts.json)) : opts.raw;
  const headers: http.IncomingHttpHeaders = { accept: 'application/json' };
  if (payload) {
    headers['content-type'] = opts.json !== undefined ? 'application/json' : (opts.contentType ?? 'application/octet-stream');
    headers['content-length'] = String(payload.length);
  }
  // Server code is not a browser: no Origin check applies (the BFF route checked the browser's Origin).
  const answer = await proxyToTenant(
    { method, rawUrl: PROXY_MOUNT + pathAndQuery, headers, body: payload ? Readable.from([payload]) : null, signal: opts.signal },
    { tenantId, via: 'bearer' },
    deps,
  );
  let body: Buffer;
  if (answer.body == null) body = Buffer.alloc(0);
  else if (typeof answer.body === 'string') body = Buffer.from(answer.body);
  else body = await readCapped(answer.body, opts.maxBytes ?? DEFAULT_MAX);
  return { status: answer.status, headers: answer.headers, body };
}

async function readCapped(stream: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    if (n + b.length > max) { parts.push(b.subarray(0, max - n)); n = max; stream.destroy(); break; }
    parts.push(b);
    n += b.length;
  }
  return Buffer.concat(parts, n);
}

/** The `detail` of a `{"detail": …}` error body, as text for people. */
export function detailText(r: TenantCallResult): string {
  try {
    const j = JSON.parse(r.body.toString('utf8')) as { detail?: unknown };
    const d = j.detail;
    if (typeof d === 'string') return d;
    if (d && typeof d === 'object' && 'message' in d && typeof (d as { message: unknown }).message === 'string') return (d as { message: string }).message;
    if (Array.isArray(d)) return d.map((x) => (x && typeof x === 'object' && 'msg' in x ? String((x as { msg: unknown }).msg) : String(x))).join('; ');
  } catch { /* not JSON */ }
  return `The tenant answered ${r.status}.`;
}
