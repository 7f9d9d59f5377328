// Layout of the consent step for MCP clients: a focused card, no dashboard chrome.
import type { ReactNode } from 'react';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';
import { Card } from '@/components/ui/card.tsx';

export default function ConnectLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <main className="flex flex-1 flex-col items-center justify-center px-4 py-12">
        <div className="mb-8"><Logo href="/dashboard" /></div>
        <Card padding="lg" className="w-full max-w-md">{children}</Card>
        <p className="mt-6 max-w-md text-center text-xs text-slate-600">
          Allow only applications you added yourself, just now. You can disconnect any of them under Connected apps.
        </p>
      </main>
    </div>
  );
}
