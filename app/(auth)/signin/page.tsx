import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInButton } from '@/components/sign-in-button.tsx';
import { getSessionUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

function safeCallback(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/\\') ? s : '/dashboard';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  // next-auth sends OAuth failures here (?error=OAuthCallback…): show them on the one error page.
  if (typeof sp.error === 'string') redirect(`/auth/error?${new URLSearchParams({ error: sp.error.slice(0, 64) })}`);
  const callbackUrl = safeCallback(sp.callbackUrl);
  const user = await getSessionUser().catch(() => null);
  if (user) redirect(callbackUrl);
  const dev = getConfig().app.oidc.devProvider;
  return (
    <div>
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mt-2 text-sm text-slate-600">
        {dev
          ? 'You will continue to the development sign-in page, where any email address signs you in.'
          : 'You will continue to your organisation’s sign-in page.'}
      </p>
      {sp.reason === 'session' && (
        <p data-testid="session-expired" className="mt-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">Your session expired or was not valid. Please sign in again.</p>
      )}
      <div className="mt-6">
        <SignInButton callbackUrl={callbackUrl} label={dev ? 'Continue with development sign-in' : 'Continue'} className="w-full rounded-lg bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60" />
      </div>
      <p className="mt-6 text-xs text-slate-500">Signing in for the first time creates your account and a personal tenant.</p>
    </div>
  );
}
