import type { ReactNode } from 'react';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <div className="flex flex-1 flex-col items-center justify-center px-4 py-12">
        <div className="mb-8"><Logo /></div>
        <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
      </div>
    </div>
  );
}
