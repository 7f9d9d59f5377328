'use client';
// Unexpected errors: a friendly page, never a stack trace (production builds only send a digest).
import Link from 'next/link';
import { Button, buttonClass } from '@/components/ui/button.tsx';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="flex min-h-[60dvh] flex-col items-center justify-center px-4 py-12 text-center">
      <p className="text-sm font-semibold text-rose-600">Something went wrong</p>
      <h1 data-testid="error-page" className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">We couldn’t load this page</h1>
      <p className="mt-2 max-w-sm text-sm text-slate-600">Please try again. If it keeps happening, tell us this reference: <code className="font-mono">{error.digest ?? 'n/a'}</code></p>
      <div className="mt-6 flex gap-3">
        <Button variant="primary" onClick={reset} className="px-4 py-2">Try again</Button>
        <Link href="/" className={buttonClass({ className: 'px-4 py-2' })}>Home</Link>
      </div>
    </div>
  );
}
