// The 404 message. Standalone (an unknown URL) it brings the brand; inside the signed-in shell, whose header
// already shows the logo, it does not, so the brand appears once.
import Link from 'next/link';
import { Logo } from '@/components/logo.tsx';
import { buttonClass } from '@/components/ui/button.tsx';

export function NotFoundMessage({ standalone }: { standalone: boolean }) {
  return (
    <div className={`flex flex-col items-center justify-center px-4 text-center ${standalone ? 'min-h-dvh py-12' : 'py-16'}`}>
      {standalone && <div className="mb-10"><Logo /></div>}
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 data-testid="not-found" className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-2 max-w-sm text-sm text-slate-600">There is nothing here, or it isn’t yours to see.</p>
      <div className="mt-6 flex gap-3">
        <Link href="/dashboard" className={buttonClass({ variant: 'primary', className: 'px-4 py-2' })}>Dashboard</Link>
        <Link href="/" className={buttonClass({ className: 'px-4 py-2' })}>Home</Link>
      </div>
    </div>
  );
}
