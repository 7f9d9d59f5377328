// next-auth v4 configuration: JWT sessions, no adapter, one generic OpenID Connect provider (id
// `oidc`) from OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET — WorkOS AuthKit, or the bundled
// development provider when OIDC_ISSUER is unset. Built lazily (never at import time) so `next build`
// needs no configuration.
import type { AuthOptions } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { headers } from 'next/headers';
import { getConfig } from '../config/index.ts';
import { getDb } from '../db/index.ts';
import { ensureAccountForSignIn } from '../db/queries/accounts.ts';
import { recordAuditEvent } from '../db/queries/audit.ts';
import { getLogger } from '../log.ts';
import { notifyTenantCreated } from '../tenants/events.ts';
import { requestInfoFromHeaders } from './request-info.ts';

export const OIDC_PROVIDER_ID = 'oidc';
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/** The ID-token / userinfo claims we read. */
export interface OidcClaims {
  iss?: string;
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  given_name?: string;
  family_name?: string;
}

declare module 'next-auth' {
  interface Session { user: { id: string; email?: string | null; name?: string | null } }
}
declare module 'next-auth/jwt' {
  interface JWT { uid?: string }
}

export function oidcProvider(): OAuthConfig<OidcClaims> {
  const { oidc } = getConfig().app;
  return {
    id: OIDC_PROVIDER_ID,
    name: oidc.devProvider ? 'Development sign-in' : 'Single sign-on',
    type: 'oauth',
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: 'openid profile email' } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile(p) {
      const name = p.name ?? ([p.given_name, p.family_name].filter(Boolean).join(' ') || null);
      return { id: p.sub, email: p.email ?? null, name };
    },
  };
}

/** The provider's userinfo for this access token (only when its `sub` matches the ID token's). */
async function fetchUserinfo(issuer: string, accessToken: string, sub: string): Promise<Partial<OidcClaims>> {
  const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })).json() as { userinfo_endpoint?: string };
  if (!meta.userinfo_endpoint) return {};
  const res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  if (!res.ok) return {};
  const info = await res.json() as Partial<OidcClaims>;
  return info.sub === sub ? { email: info.email, email_verified: info.email_verified, name: info.name } : {};
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

let cached: AuthOptions | undefined;

export function getAuthOptions(): AuthOptions {
  if (cached) return cached;
  const { app } = getConfig();
  process.env.NEXTAUTH_URL ??= app.appUrl;
  const log = getLogger().child({ component: 'auth' });
  cached = {
    secret: app.authSecret,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S, updateAge: 24 * 3600 },
    providers: [oidcProvider()],
    pages: { signIn: '/signin', error: '/auth/error', signOut: '/signout' },
    callbacks: {
      async jwt({ token, account, profile }) {
        if (account && profile) {
          // First call after a successful callback (state + PKCE + ID token verified by next-auth).
          let claims = profile as unknown as OidcClaims;
          if ((claims.email === undefined || claims.email_verified === undefined) && account.access_token) {
            // Some providers keep email claims out of the ID token: ask the userinfo endpoint.
            claims = { ...(await fetchUserinfo(app.oidc.issuer, account.access_token, claims.sub).catch(() => ({}))), ...stripUndefined(claims) } as OidcClaims;
          }
          const info = requestInfoFromHeaders(await headers());
          const db = await getDb();
          const result = await ensureAccountForSignIn(db, {
            issuer: claims.iss ?? app.oidc.issuer,
            subject: String(claims.sub ?? account.providerAccountId),
            email: claims.email ?? null,
            emailVerified: claims.email_verified === true,
            name: claims.name ?? null,
            ip: info.ip,
            userAgent: info.userAgent,
            opsEmails: app.opsEmails,
          });
          log.info({ userId: result.user.id, tenantId: result.tenant.id, createdUser: result.createdUser }, 'signed in');
          if (result.createdTenant) {
            void notifyTenantCreated({ tenantId: result.tenant.id, ownerUserId: result.user.id, bucketName: result.tenant.bucketName });
          }
          // Keep the cookie small: our user id is all we need; role and tenant are read per request.
          return { uid: result.user.id, sub: result.user.id, email: result.user.email, name: result.user.name };
        }
        return token;
      },
      async session({ session, token }) {
        session.user = { id: token.uid ?? '', email: token.email ?? null, name: token.name ?? null };
        return session;
      },
      async redirect({ url, baseUrl }) {
        // Only same-origin callback URLs.
        if (url.startsWith('/') && !url.startsWith('//')) return `${baseUrl}${url}`;
        try { if (new URL(url).origin === baseUrl) return url; } catch { /* fall through */ }
        return `${baseUrl}/dashboard`;
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.uid) return;
        try {
          const info = requestInfoFromHeaders(await headers());
          await recordAuditEvent(await getDb(), { actorUserId: token.uid, action: 'auth.signed_out', target: `user:${token.uid}`, ...info });
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not record sign-out');
        }
      },
    },
    logger: {
      // next-auth's metadata can carry provider responses; log codes and messages only.
      error(code, metadata) {
        const m = metadata as { message?: string; error?: { message?: string } } | undefined;
        const message = (m?.error?.message ?? m?.message)?.replace(/\b(expected|got)\b:?\s*\S+/g, '$1 [redacted]');
        log.warn({ code, message }, 'next-auth error');
      },
      warn(code) { log.warn({ code }, 'next-auth warning'); },
      debug() {},
    },
  };
  return cached;
}
