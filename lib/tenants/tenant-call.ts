// Signed calls from the control plane's own server code (server components, BFF routes) to the
// caller's tenant API, through the same code as /proxy/* (proxyToTenant): the same tenant-state answers
// (503 while starting, 403 when stopped), the same signing and timeouts. `tenantCall` moves bytes (files,
// HEAD, PUT /resource); `callTenant` is the JSON form built on it. The tenant id always comes from the
// authenticated session (requireTenant / requireApiTenant), never from input.
import type http from 'node:http';
import { Readable } from 'node:stream';
import { getTenantProxyDeps } from './proxy-deps.ts';
import { PROXY_MOUNT, proxyToTenant, type TenantProxyDeps } from './tenant-proxy.ts';

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
  /** Extra request headers (e.g. If-Match for a conditional write); names in lower case. */
  headers?: Record<string, string>;
  /** The proxy's dependencies (tests pass their own; the app uses the process's). */
  deps?: TenantProxyDeps;
  /** Longest silence from the tenant before giving up (default: the proxy's idle timeout); a snapshot needs more. */
  idleTimeoutMs?: number;
}

const DEFAULT_MAX = 64 * 1024 * 1024;

/** One call to `pathAndQuery` (e.g. `/main/search?q=x`, already percent-encoded) on the tenant. */
export async function tenantCall(tenantId: string, method: string, pathAndQuery: string, opts: TenantCallOptions = {}): Promise<TenantCallResult> {
  const deps = opts.deps ?? await getTenantProxyDeps();
  const payload = opts.json !== undefined ? Buffer.from(JSON.stringify(opts.json)) : opts.raw;
  const headers: http.IncomingHttpHeaders = { ...opts.headers, accept: 'application/json' };
  if (payload) {
    headers['content-type'] = opts.json !== undefined ? 'application/json' : (opts.contentType ?? 'application/octet-stream');
    headers['content-length'] = String(payload.length);
  }
  // Server code is not a browser: no Origin check applies (the BFF route checked the browser's Origin).
  const answer = await proxyToTenant(
    { method, rawUrl: PROXY_MOUNT + pathAndQuery, headers, body: payload ? Readable.from([payload]) : null, replayBody: payload, signal: opts.signal, forServer: true },
    { tenantId, via: 'bearer' },
    opts.idleTimeoutMs ? { ...deps, idleTimeoutMs: opts.idleTimeoutMs } : deps,
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

/** The `detail` of a parsed `{"detail": …}` error body, as text for people; null when there is none. */
export function detailFromBody(body: unknown): string | null {
  const d = body && typeof body === 'object' && 'detail' in body ? (body as { detail: unknown }).detail : undefined;
  if (typeof d === 'string') return d;
  if (d && typeof d === 'object' && 'message' in d && typeof (d as { message: unknown }).message === 'string') return (d as { message: string }).message;
  if (Array.isArray(d)) return d.map((x) => (x && typeof x === 'object' && 'msg' in x ? String((x as { msg: unknown }).msg) : String(x))).join('; ');
  return null;
}

/** The `detail` of a `{"detail": …}` error body, as text for people. */
export function detailText(r: TenantCallResult): string {
  let body: unknown = null;
  try { body = JSON.parse(r.body.toString('utf8')); } catch { /* not JSON */ }
  return detailFromBody(body) ?? `The tenant answered ${r.status}.`;
}

/** A JSON answer from the tenant, or its refusal (`detail` as the tenant said it). */
export type TenantCall<T> = { ok: true; status: number; body: T } | { ok: false; status: number; detail: unknown };

/**
 * A JSON call for pages and BFF routes that need live facts (projects, syncs in flight, the dry-run
 * status). Never throws for tenant trouble: an unreachable tenant is a 502 `tenant_unreachable` answer.
 */
export async function callTenant<T>(tenantId: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', tenantPath: string, opts: { timeoutMs?: number } = {}): Promise<TenantCall<T>> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs ?? 10_000);
  try {
    const r = await tenantCall(tenantId, method, tenantPath, { signal: ac.signal, maxBytes: 8 * 1024 * 1024 });
    const text = r.body.toString('utf8');
    let json: unknown = undefined;
    try { json = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    if (r.status >= 200 && r.status < 300) return { ok: true, status: r.status, body: json as T };
    const detail = json && typeof json === 'object' && 'detail' in json ? (json as { detail: unknown }).detail : text || `HTTP ${r.status}`;
    return { ok: false, status: r.status, detail };
  } catch (err) {
    return { ok: false, status: 502, detail: { error: 'tenant_unreachable', message: err instanceof Error ? err.message : 'The tenant could not be reached.' } };
  } finally {
    clearTimeout(timer);
  }
}

/** Plain words from a tenant refusal's detail (`{"detail": "…"}` or `{"detail": {"message": "…"}}`). */
export function tenantDetailText(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (detail && typeof detail === 'object' && typeof (detail as { message?: unknown }).message === 'string') return (detail as { message: string }).message;
  return 'The tenant refused the request.';
}
