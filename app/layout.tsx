import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Basic Memory Cloud', template: '%s · Basic Memory Cloud' },
  description: 'Hosted markdown memory for AI agents.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: the CSP nonce (proxy.ts) is new each time, and Next can only put
  // it on its scripts while rendering.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
