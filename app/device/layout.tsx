// Layout of the device approval flow (verification_uri): a focused card, no dashboard chrome.
import type { ReactNode } from 'react';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';
import { Card } from '@/components/ui/card.tsx';

export default function DeviceLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <div className="flex flex-1 flex-col items-center justify-center px-4 py-12">
        <div className="mb-8"><Logo href="/dashboard" /></div>
        <Card padding="lg" className="w-full max-w-md">{children}</Card>
        <p className="mt-6 max-w-md text-center text-xs text-slate-500">
          Only continue if you started <code className="font-mono">bm cloud login</code> yourself, just now. Never enter a code someone sent you.
        </p>
      </div>
    </div>
  );
}
