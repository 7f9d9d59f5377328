// Data-access helpers for the signed-in browser session (the real authorization; proxy.ts only
// redirects optimistically). Pages use requireUser()/requireTenant() (redirect / 404 page); JSON routes
// declare their caller with apiRoute (lib/http/api-route.ts), whose principal guard (lib/auth/principal.ts)
// builds on getSessionUserId() + loadSessionUser() from users.ts.
import 'server-only';
import { getServerSession } from 'next-auth';
import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '../db/index.ts';
import { getTenantByIdForUser, getTenantForUser, type TenantWithRole } from '../db/queries/tenants.ts';
import { SESSION_COOKIE_NAMES, getAuthOptions, sessionIdFromCookie } from './options.ts';
import { getConfig } from '../config/index.ts';
import { isOps, loadSessionUser, type SessionUser } from './users.ts';

export type { SessionUser } from './users.ts';
export { isOps } from './users.ts';

/** Header set by proxy.ts with the requested path (+ query), used for the sign-in callbackUrl. */
export const PATHNAME_HEADER = 'x-bmc-pathname';
export { SESSION_COOKIE_NAMES };

/** Our user id from a valid session cookie, or null (missing, tampered, expired). */
export const getSessionUserId = cache(async (): Promise<string | null> => {
  const session = await getServerSession(getAuthOptions());
  return session?.user?.id || null;
});

/** The id of this request's live browser session (after the same check as getSessionUserId), or null. */
export const getCurrentBrowserSessionId = cache(async (): Promise<string | null> => {
  if (!(await getSessionUserId())) return null;
  return sessionIdFromCookie(getConfig().app.authSecret);
});

/** The signed-in user (fresh from the database, so role changes apply at once), or null. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const id = await getSessionUserId();
  if (!id) return null;
  return loadSessionUser(await getDb(), id);
});

async function hasSessionCookie(): Promise<boolean> {
  const jar = await cookies();
  return SESSION_COOKIE_NAMES.some((n) => jar.has(n) || jar.getAll().some((c) => c.name.startsWith(n + '.')));
}

/** `/signin?callbackUrl=<current path>` (+ `reason=session` when a cookie was there but invalid). */
export async function signInPath(callbackUrl?: string): Promise<string> {
  const fromHeader = (await headers()).get(PATHNAME_HEADER) ?? undefined;
  let target = callbackUrl ?? fromHeader ?? '/dashboard';
  if (!target.startsWith('/') || target.startsWith('//')) target = '/dashboard';
  const q = new URLSearchParams({ callbackUrl: target });
  if (await hasSessionCookie()) q.set('reason', 'session');
  return `/signin?${q}`;
}

/** Pages: the signed-in user, or a redirect to sign-in that comes back here. */
export async function requireUser(opts: { callbackUrl?: string } = {}): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(await signInPath(opts.callbackUrl));
  return user;
}

/** Pages: an ops/admin user; anyone else gets the 404 page. */
export async function requireOps(opts: { callbackUrl?: string } = {}): Promise<SessionUser> {
  const user = await requireUser(opts);
  if (!isOps(user)) notFound();
  return user;
}

/**
 * Pages: the caller's own tenant. Without an id: their personal tenant. With an id: that tenant
 * only if they are a member — anything else is the 404 page (never 403: ids of others don't exist).
 */
export async function requireTenant(tenantId?: string, opts: { callbackUrl?: string } = {}): Promise<{ user: SessionUser; tenant: TenantWithRole }> {
  const user = await requireUser(opts);
  const db = await getDb();
  const tenant = tenantId === undefined ? await getTenantForUser(db, user.id) : await getTenantByIdForUser(db, tenantId, user.id);
  if (!tenant) notFound();
  return { user, tenant };
}
