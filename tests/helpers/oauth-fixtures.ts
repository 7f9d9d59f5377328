// Fixtures for the device-grant tests: accounts, a config, form requests and a PKCE pair.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../../lib/db/client.ts';
import { memberships, tenants, users } from '../../lib/db/schema.ts';
import { oauthConfigFrom, type OAuthConfig } from '../../lib/config/oauth.ts';
import { s256 } from '../../lib/auth/device-grant.ts';

export const BASE = 'http://bmc.test';

export function testConfig(env: Record<string, string> = {}): OAuthConfig {
  return oauthConfigFrom(env, { appUrl: BASE, authSecret: 'x'.repeat(40) });
}

export async function makeAccount(db: Database, label = 'a'): Promise<{ userId: string; tenantId: string; email: string }> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const [u] = await db.insert(users).values({ issuer: 'https://idp.test', subject: randomUUID(), email, emailVerified: true, name: label }).returning();
  const [t] = await db.insert(tenants).values({ name: `${label}'s memory`, bucketName: `b-${randomUUID().slice(0, 8)}` }).returning();
  await db.insert(memberships).values({ userId: u.id, tenantId: t.id, role: 'owner' });
  return { userId: u.id, tenantId: t.id, email };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

export function form(path: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Request {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return new Request(BASE + path, {
    method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.7', 'user-agent': 'test-cli/1.0', ...headers },
  });
}

/** A settable clock. */
export function clock(start = Date.parse('2026-11-21T12:00:00Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    at: () => new Date(t),
    advance(seconds: number) { t += seconds * 1000; return new Date(t); },
  };
}
