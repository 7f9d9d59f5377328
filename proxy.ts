// Next 16 "proxy" (formerly middleware): OPTIMISTIC redirects only. Signed-out visitors of dashboard
// pages go to /signin?callbackUrl=…; the real checks are in lib/auth/session.ts (requireUser etc.).
// It never runs on /api/*, /oauth2/* or the tenant proxy /proxy/* (see matcher), which must never redirect.
import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];
const PATHNAME_HEADER = 'x-bmc-pathname';

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const here = pathname + search;
  const hasCookie = request.cookies.getAll().some((c) => SESSION_COOKIES.some((n) => c.name === n || c.name.startsWith(n + '.')));
  if (!hasCookie) {
    const url = request.nextUrl.clone();
    url.pathname = '/signin';
    url.search = new URLSearchParams({ callbackUrl: here }).toString();
    return NextResponse.redirect(url);
  }
  const headers = new Headers(request.headers);
  headers.set(PATHNAME_HEADER, here);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/dashboard/:path*', '/projects/:path*', '/cli-sessions/:path*', '/ops/:path*', '/tenants/:path*', '/settings/:path*'],
};
