// next-auth v4 (App Router): sign-in, callback, session, CSRF and sign-out under /api/auth/*.
import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/options.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx): Promise<Response> {
  // biome-ignore lint/suspicious/noExplicitAny: next-auth v4's handler types predate App Router route handlers
  return NextAuth(req as any, ctx as any, getAuthOptions());
}

export { handler as GET, handler as POST };
