// next-auth v4 (App Router): sign-in, callback, session, CSRF and sign-out under /api/auth/*.
import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/options.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx): Promise<Response> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return NextAuth(req as any, ctx as any, getAuthOptions());
}

export { handler as GET, handler as POST };
