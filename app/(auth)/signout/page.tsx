import type { Metadata } from 'next';
import Link from 'next/link';
import { SignOutButton } from '@/components/sign-out-button.tsx';

export const metadata: Metadata = { title: 'Sign out' };

export default function SignOutPage() {
  return (
    <div>
      <h1 className="text-xl font-semibold text-slate-900">Sign out</h1>
      <p className="mt-2 text-sm text-slate-600">Sign out of Basic Memory Cloud in this browser? CLI sessions stay connected.</p>
      <div className="mt-6 flex items-center gap-4">
        <SignOutButton className="rounded-lg bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700" />
        <Link href="/dashboard" className="text-sm text-slate-600 hover:underline">Cancel</Link>
      </div>
    </div>
  );
}
