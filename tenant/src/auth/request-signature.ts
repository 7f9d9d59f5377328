// Request signing between the control plane and a tenant API (shared by both sides: keep it
// dependency-free apart from node:crypto).
//
//   X-BM-Tenant-ID: <tenant id>
//   X-BM-Timestamp: <unix seconds>
//   X-BM-Signature: hex(HMAC-SHA256(secret, "v1\n<tenant_id>\n<timestamp>\n<METHOD>\n<path and query>"))
//
// Binding the method and exact path+query means a captured signature cannot be replayed on
// another route, and the ±60 s window limits replay of the same request. The HMAC key is the
// secret string's UTF-8 bytes, exactly as handed over in BM_TENANT_SECRET.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_VERSION = 'v1';
const MAX_SKEW_SECONDS = 60;
const HEADER_TENANT_ID = 'x-bm-tenant-id';
const HEADER_TIMESTAMP = 'x-bm-timestamp';
const HEADER_SIGNATURE = 'x-bm-signature';

export type SignInput = {
  secret: string;
  tenantId: string;
  method: string;
  /** Path and query exactly as sent on the wire, e.g. `/projects/projects?x=1`. */
  pathAndQuery: string;
  /** Unix time in seconds; defaults to now. */
  now?: number;
};

function canonical(tenantId: string, timestamp: string, method: string, pathAndQuery: string): string {
  return `${SIGNATURE_VERSION}\n${tenantId}\n${timestamp}\n${method.toUpperCase()}\n${pathAndQuery}`;
}

function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

export function signRequest(input: SignInput): Record<string, string> {
  const ts = String(Math.floor(input.now ?? Date.now() / 1000));
  return {
    'X-BM-Tenant-ID': input.tenantId,
    'X-BM-Timestamp': ts,
    'X-BM-Signature': hmacHex(input.secret, canonical(input.tenantId, ts, input.method, input.pathAndQuery)),
  };
}

export type VerifyInput = {
  secret: string;
  /** The tenant id this process serves. */
  tenantId: string;
  method: string;
  pathAndQuery: string;
  /** Request headers (lower-case keys as node gives them). */
  headers: Record<string, string | string[] | undefined>;
  now?: number;
  maxSkewSeconds?: number;
};

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

/** True only if every part checks out; callers must not tell the client which part failed. */
export function verifyRequest(input: VerifyInput): boolean {
  const tenantId = single(input.headers[HEADER_TENANT_ID]);
  const ts = single(input.headers[HEADER_TIMESTAMP]);
  const sig = single(input.headers[HEADER_SIGNATURE]);
  if (!tenantId || !ts || !sig) return false;
  if (!/^\d{1,12}$/.test(ts) || !/^[0-9a-f]{64}$/.test(sig)) return false;
  const now = Math.floor(input.now ?? Date.now() / 1000);
  if (Math.abs(now - Number(ts)) > (input.maxSkewSeconds ?? MAX_SKEW_SECONDS)) return false;
  const expected = Buffer.from(hmacHex(input.secret, canonical(tenantId, ts, input.method, input.pathAndQuery)), 'hex');
  const given = Buffer.from(sig, 'hex');
  // Compare the signature first in constant time, then the tenant id (also constant time).
  const sigOk = given.length === expected.length && timingSafeEqual(given, expected);
  const a = Buffer.from(tenantId, 'utf8');
  const b = Buffer.from(input.tenantId, 'utf8');
  const idOk = a.length === b.length && timingSafeEqual(a, b);
  return sigOk && idOk;
}
