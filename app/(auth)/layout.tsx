import type { ReactNode } from 'react';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';
import { Card } from '@/components/ui/card.tsx';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <div className="flex flex-1 flex-col items-center justify-center px-4 py-12">
        <div className="mb-8"><Logo /></div>
        <Card padding="lg" className="w-full max-w-sm">{children}</Card>
      </div>
    </div>
  );
}
