// next-auth v4 configuration: JWT sessions, no adapter, one generic OpenID Connect provider (id
// `oidc`) from OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET — WorkOS AuthKit, or the bundled
// development provider when OIDC_ISSUER is unset. Built lazily (never at import time) so `next build`
// needs no configuration.
import type { AuthOptions } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { cookies, headers } from 'next/headers';
import { decode } from 'next-auth/jwt';
import { getConfig } from '../config/index.ts';
import { getDb } from '../db/index.ts';
import { ensureAccountForSignIn } from '../db/queries/accounts.ts';
import { getLogger } from '../log.ts';
import { notifyTenantCreated } from '../tenants/events.ts';
import { BrowserSessionEndedError, checkBrowserSession, endBrowserSession, startBrowserSession } from './browser-sessions.ts';
import { requestInfoFromHeaders } from './request-info.ts';

const OIDC_PROVIDER_ID = 'oidc';
export const SESSION_COOKIE_NAMES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

/** The browser session named by this request's cookie (signature checked, liveness NOT checked), or null. */
export async function sessionIdFromCookie(secret: string): Promise<string | null> {
  const jar = await cookies();
  for (const name of SESSION_COOKIE_NAMES) {
    // next-auth splits a large cookie into name.0, name.1, …; ours stays small, but read both forms.
    const value = jar.get(name)?.value
      ?? (jar.getAll().filter((c) => c.name.startsWith(name + '.')).sort((a, b) => Number(a.name.split('.').pop()) - Number(b.name.split('.').pop())).map((c) => c.value).join('') || undefined);
    if (!value) continue;
    const t = await decode({ token: value, secret }).catch(() => null);
    if (typeof t?.sid === 'string') return t.sid;
  }
  return null;
}

/** The ID-token / userinfo claims we read. */
interface OidcClaims {
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
  interface JWT { uid?: string; /** The browser_sessions row this cookie belongs to. */ sid?: string }
}

function oidcProvider(): OAuthConfig<OidcClaims> {
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
    // the cookie slides by the idle lifetime: the session row decides (browser-sessions.ts), the cookie never outlives it idle
    session: { strategy: 'jwt', maxAge: app.browserSession.idleSeconds, updateAge: Math.min(24 * 3600, app.browserSession.idleSeconds / 2) },
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
          // A new server-side session (new id) at every sign-in; the one this browser had before ends.
          const session = await startBrowserSession(db, {
            userId: result.user.id, previousSessionId: await sessionIdFromCookie(app.authSecret).catch(() => null),
          }, info, new Date());
          log.info({ userId: result.user.id, tenantId: result.tenant.id, createdUser: result.createdUser }, 'signed in');
          if (result.createdTenant) {
            void notifyTenantCreated({ tenantId: result.tenant.id, ownerUserId: result.user.id, bucketName: result.tenant.bucketName });
          }
          // Keep the cookie small: our user id is all we need; role and tenant are read per request.
          return { uid: result.user.id, sid: session.id, sub: result.user.id, email: result.user.email, name: result.user.name };
        }
        // Every later check: the cookie's session must still be live on the server (a cookie from
        // before server-side sessions has no sid and is refused too). Throwing makes next-auth
        // answer "no session" and drop the cookie.
        if (!token.uid || !token.sid) throw new BrowserSessionEndedError();
        const info = requestInfoFromHeaders(await headers());
        if (!(await checkBrowserSession(await getDb(), { sessionId: token.sid, userId: token.uid }, info.ip, new Date()))) {
          throw new BrowserSessionEndedError();
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
        // Ends the session on the server: a copy of this cookie kept elsewhere stops working too.
        if (!token?.uid || !token.sid) return;
        try {
          const info = requestInfoFromHeaders(await headers());
          await endBrowserSession(await getDb(), { sessionId: token.sid, userId: token.uid, reason: 'signed_out' }, info, new Date());
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not end the browser session at sign-out');
        }
      },
    },
    logger: {
      // next-auth's metadata can carry provider responses; log codes and messages only.
      error(code, metadata) {
        const m = metadata as { message?: string; error?: { message?: string; name?: string }; name?: string } | undefined;
        // An ended session is an expected answer, not an error.
        if (m?.error?.name === 'BrowserSessionEndedError' || m?.name === 'BrowserSessionEndedError' || m?.message === 'browser session ended') return;
        const message = (m?.error?.message ?? m?.message)?.replace(/\b(expected|got)\b:?\s*\S+/g, '$1 [redacted]');
        log.warn({ code, message }, 'next-auth error');
      },
      warn(code) { log.warn({ code }, 'next-auth warning'); },
      debug() {},
    },
  };
  return cached;
}
