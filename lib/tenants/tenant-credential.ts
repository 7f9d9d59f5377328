// Each tenant's credential is derived, not stored: HMAC-SHA256(AUTH_SECRET, "bmc-tenant-credential:v1:" + id).
// Any app instance holding AUTH_SECRET can start a tenant and sign calls to it; Postgres holds nothing secret.
import { createHmac } from 'node:crypto';
import { signRequest } from '../../tenant/src/auth/request-signature.ts';

const TENANT_CREDENTIAL_CONTEXT = 'bmc-tenant-credential:v1:';

export function deriveTenantSecret(authSecret: string, tenantId: string): string {
  if (!authSecret || authSecret.length < 16) throw new Error('AUTH_SECRET is missing or too short to derive tenant credentials');
  return createHmac('sha256', authSecret).update(TENANT_CREDENTIAL_CONTEXT + tenantId, 'utf8').digest('hex');
}

// Derived once per tenant: the proxy signs every request, and an HMAC setup is a measurable part of its cost.
let derivedFor: string | null = null;
const derived = new Map<string, string>();
function tenantSecret(authSecret: string, tenantId: string): string {
  if (derivedFor !== authSecret) { derived.clear(); derivedFor = authSecret; }
  let s = derived.get(tenantId);
  if (!s) {
    s = deriveTenantSecret(authSecret, tenantId);
    if (derived.size >= 10_000) derived.clear();
    derived.set(tenantId, s);
  }
  return s;
}

/** Signature headers for one request to a tenant API (path + query exactly as sent). */
export function tenantSignatureHeaders(authSecret: string, tenantId: string, method: string, pathAndQuery: string, now?: number): Record<string, string> {
  return signRequest({ secret: tenantSecret(authSecret, tenantId), tenantId, method, pathAndQuery, now });
}
