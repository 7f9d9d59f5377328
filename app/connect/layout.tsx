// Layout of the consent step for MCP clients: a focused card, no dashboard chrome.
import type { ReactNode } from 'react';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';

export default function ConnectLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <main className="flex flex-1 flex-col items-center justify-center px-4 py-12">
        <div className="mb-8"><Logo href="/dashboard" /></div>
        <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
        <p className="mt-6 max-w-md text-center text-xs text-slate-600">
          Allow only applications you added yourself, just now. You can disconnect any of them under Connected apps.
        </p>
      </main>
    </div>
  );
}
