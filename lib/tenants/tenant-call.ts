// Server-side JSON calls to the caller's own tenant, through the tenant proxy's own rules and signing
// (proxyToTenant): used by pages and BFF routes that need live facts (projects, syncs in flight,
// the dry-run status). Never throws for tenant trouble: the answer says what happened.
import http from 'node:http';
import { getTenantProxyDeps } from './services.ts';
import { PROXY_MOUNT, proxyToTenant } from './tenant-proxy.ts';

export type TenantCall<T> = { ok: true; status: number; body: T } | { ok: false; status: number; detail: unknown };

async function readBody(body: string | http.IncomingMessage | null, limit = 8 * 1024 * 1024): Promise<string> {
  if (body == null) return '';
  if (typeof body === 'string') return body;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > limit) { body.destroy(); throw new Error('tenant answer too large'); }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `method path` on the tenant of `tenantId` (server-initiated: signed like a Bearer request; no Origin check). */
export async function callTenant<T>(tenantId: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', tenantPath: string, opts: { timeoutMs?: number } = {}): Promise<TenantCall<T>> {
  const deps = await getTenantProxyDeps();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs ?? 10_000);
  try {
    const answer = await proxyToTenant(
      { method, rawUrl: PROXY_MOUNT + tenantPath, headers: { accept: 'application/json' }, body: null, signal: ac.signal },
      { tenantId, via: 'bearer' },
      { ...deps, idleTimeoutMs: Math.min(deps.idleTimeoutMs, opts.timeoutMs ?? 10_000) },
    );
    const text = await readBody(answer.body);
    let json: unknown = undefined;
    try { json = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, body: json as T };
    const detail = json && typeof json === 'object' && 'detail' in json ? (json as { detail: unknown }).detail : text || `HTTP ${answer.status}`;
    return { ok: false, status: answer.status, detail };
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
