// Next 16 "proxy" (formerly middleware). Two jobs, both before a page renders:
//   1. every page gets a fresh CSP nonce: the Content-Security-Policy goes on the request (Next reads
//      the nonce from it and stamps its scripts) and on the response (the browser enforces it);
//   2. OPTIMISTIC redirects only: signed-out visitors of dashboard pages go to /signin?callbackUrl=…;
//      the real checks are in lib/auth/session.ts (requireUser etc.).
// It never runs on /api/*, /oauth2/*, /tenant/*, /workspaces/, /content/* (user files on their own origin), Next's assets or the tenant proxy /proxy/* (see
// matcher): those are JSON/WebDAV answers that must never redirect and carry no scripts.
import { NextResponse, type NextRequest } from 'next/server';
import { CSP_HEADER, NONCE_HEADER, contentSecurityPolicy, newNonce } from './lib/http/content-security-policy.ts';

const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];
const PATHNAME_HEADER = 'x-bmc-pathname';
const SIGNED_IN_AREAS = ['/dashboard', '/projects', '/cli-sessions', '/connected-apps', '/sessions', '/ops', '/tenants', '/settings'];

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const here = pathname + search;
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce);
  const guarded = SIGNED_IN_AREAS.some((p) => pathname === p || pathname.startsWith(p + '/'));
  const hasCookie = request.cookies.getAll().some((c) => SESSION_COOKIES.some((n) => c.name === n || c.name.startsWith(n + '.')));
  if (guarded && !hasCookie) {
    const url = request.nextUrl.clone();
    url.pathname = '/signin';
    url.search = new URLSearchParams({ callbackUrl: here }).toString();
    const res = NextResponse.redirect(url);
    res.headers.set(CSP_HEADER, csp);
    return res;
  }
  const headers = new Headers(request.headers);
  headers.set(PATHNAME_HEADER, here);
  headers.set(NONCE_HEADER, nonce);
  headers.set(CSP_HEADER, csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set(CSP_HEADER, csp);
  return res;
}

export const config = {
  matcher: [{
    source: '/((?!api/|oauth2/|proxy/|proxy$|mcp/|mcp$|tenant/|workspaces/|workspaces$|content/|_next/static|_next/image|favicon.ico|icon.svg|\\.well-known/).*)',
    missing: [{ type: 'header', key: 'next-router-prefetch' }, { type: 'header', key: 'purpose', value: 'prefetch' }],
  }],
};
