// The one tenant client of the control plane's own server code (pages, BFF routes, trash, snapshots, notes, MCP
// tools, admin actions, the sync-run collector). Calls go through the same code as /proxy/* (proxyToTenant): the
// same tenant-state answers (503 while starting, 403 when stopped, waking a sleeping tenant), the same signing and
// timeouts. `tenantCall` moves bytes (files, HEAD, PUT /resource); `callTenant` is the JSON form built on it, and
// `detailWords` is the one way to turn a `{"detail": …}` refusal into words. `signedTenantFetch` is for background
// work that must reach a running tenant's known address without waking it. The tenant id always comes from the
// authenticated principal (apiRoute, requireTenant) or the supervisor's own records, never from input.
import type http from 'node:http';
import { Readable } from 'node:stream';
import { getTenantProxyDeps } from './proxy-deps.ts';
import { tenantSignatureHeaders } from './tenant-credential.ts';
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
  /** Who is writing, for the note history (default "browser": server code acts for the signed-in person). */
  actor?: string;
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
    { tenantId, via: 'bearer', actor: opts.actor ?? 'browser' },
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

/** The parsed JSON of a tenant answer's body; undefined when it is empty or not JSON (a note's bytes are not). */
export function jsonOf(r: TenantCallResult): unknown {
  const ct = String(r.headers['content-type'] ?? '');
  if (ct && !ct.includes('json')) return undefined;
  const text = r.body.toString('utf8');
  if (!text) return undefined;
  try { return JSON.parse(text); } catch { return undefined; }
}

/**
 * Words for people from an error's `detail`: a string, `{"message": …}` (the tenant's structured refusals) or
 * FastAPI's `[{"msg": …}]`; null when there are none.
 */
export function detailWords(detail: unknown): string | null {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map((x) => (x && typeof x === 'object' && 'msg' in x ? String((x as { msg: unknown }).msg) : String(x))).join('; ');
  if (detail && typeof detail === 'object' && typeof (detail as { message?: unknown }).message === 'string') return (detail as { message: string }).message;
  return null;
}

const detailOfBody = (body: unknown): unknown => (body && typeof body === 'object' && 'detail' in body ? (body as { detail: unknown }).detail : undefined);

/** The tenant's words for a refusal answer (`The tenant answered N.` when it gave none). */
export function detailText(r: TenantCallResult): string {
  return detailWords(detailOfBody(jsonOf(r))) ?? `The tenant answered ${r.status}.`;
}

/**
 * A JSON answer from the tenant, or its refusal: `detail` as the tenant said it (undefined when it sent none),
 * `message` in words (its detail, else its text, else the status). `unreachable`
 * when the tenant could not be reached at all (then status is 502 and detail `tenant_unreachable`).
 */
export type TenantCall<T> =
  | { ok: true; status: number; body: T; text: string }
  | { ok: false; status: number; body: unknown; text: string; detail: unknown; message: string; unreachable?: true };

export interface CallTenantOptions {
  /** JSON request body. */
  json?: unknown;
  /** Longest wait for the whole answer (default 10 s); 0 = no limit beyond the idle timeout. */
  timeoutMs?: number;
  /** Longest silence from the tenant (default: the proxy's); a snapshot needs more. */
  idleTimeoutMs?: number;
  /** Abandons the call (e.g. the MCP client went away). */
  signal?: AbortSignal;
  /** Largest answer read (default 8 MiB). */
  maxBytes?: number;
  deps?: TenantProxyDeps;
  /** Who the write is for, kept with the note's history (default: the browser). */
  actor?: string;
}

/** One JSON call to the tenant. Never throws for tenant trouble: an unreachable tenant is an `unreachable` 502 answer. */
export async function callTenant<T>(tenantId: string, method: string, tenantPath: string, opts: CallTenantOptions = {}): Promise<TenantCall<T>> {
  const limit = opts.timeoutMs ?? 10_000;
  // One controller for the time limit and the caller's signal, released when the call ends: AbortSignal.timeout
  // would keep its timer, its signals and their listeners alive for the whole limit after the answer came.
  const ac = limit > 0 || opts.signal ? new AbortController() : null;
  const timer = ac && limit > 0 ? setTimeout(() => ac.abort(new DOMException('The tenant call timed out.', 'TimeoutError')), limit) : null;
  const follow = () => ac?.abort(opts.signal?.reason);
  if (opts.signal?.aborted) follow(); else opts.signal?.addEventListener('abort', follow, { once: true });
  try {
    const r = await tenantCall(tenantId, method, tenantPath, {
      json: opts.json, signal: ac?.signal, maxBytes: opts.maxBytes ?? 8 * 1024 * 1024,
      idleTimeoutMs: opts.idleTimeoutMs, deps: opts.deps, actor: opts.actor,
    });
    const text = r.body.toString('utf8');
    const body = jsonOf(r);
    if (r.status >= 200 && r.status < 300) return { ok: true, status: r.status, body: body as T, text };
    const detail = detailOfBody(body);
    return { ok: false, status: r.status, body, text, detail, message: detailWords(detail) ?? (text.slice(0, 300) || `The tenant answered ${r.status}.`) };
  } catch (err) {
    const message = err instanceof Error ? err.message : 'The tenant could not be reached.';
    return { ok: false, status: 502, body: undefined, text: '', detail: { error: 'tenant_unreachable', message }, message, unreachable: true };
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', follow);
  }
}

/**
 * A signed request straight to a running tenant's known address (the supervisor's record), for background work
 * that must not wake a sleeping tenant or queue behind the proxy: the sync-run collector, an admin's reindex.
 */
export function signedTenantFetch(
  baseUrl: string, o: { authSecret: string; tenantId: string }, method: string, pathAndQuery: string,
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(baseUrl + pathAndQuery, {
    method, headers: { ...tenantSignatureHeaders(o.authSecret, o.tenantId, method, pathAndQuery), ...opts.headers },
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000), redirect: 'manual',
  });
}
