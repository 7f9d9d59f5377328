import type { Metadata } from 'next';
import Link from 'next/link';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';
import { buttonClass } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { authErrorText } from '@/lib/auth/error-messages.ts';

export const metadata: Metadata = { title: 'Sign-in problem' };
export const dynamic = 'force-dynamic';

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const text = authErrorText(typeof sp.error === 'string' ? sp.error : undefined);
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <div className="flex flex-1 flex-col items-center justify-center px-4 py-12">
        <div className="mb-8"><Logo /></div>
        <div data-testid="auth-error" className={cardClass({ padding: 'lg', className: 'w-full max-w-md' })}>
          <h1 className="text-xl font-semibold text-slate-900">{text.title}</h1>
          <p className="mt-3 text-sm text-slate-600">{text.body}</p>
          <div className="mt-6 flex flex-wrap gap-3">
            <Link href="/signin" className={buttonClass({ variant: 'primary', className: 'px-4 py-2' })}>Try signing in again</Link>
            <Link href="/" className={buttonClass({ className: 'px-4 py-2' })}>Home</Link>
          </div>
        </div>
      </div>
    </div>
  );
}
