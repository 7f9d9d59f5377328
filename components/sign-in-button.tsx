'use client';
import { signIn } from 'next-auth/react';
import { useState } from 'react';

export function SignInButton({ callbackUrl = '/dashboard', label = 'Sign in', className }: { callbackUrl?: string; label?: string; className?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      data-testid="sign-in"
      disabled={busy}
      onClick={() => { setBusy(true); void signIn('oidc', { callbackUrl }); }}
      className={className ?? 'inline-flex items-center justify-center rounded-lg bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 disabled:opacity-60'}
    >
      {busy ? 'Redirecting…' : label}
    </button>
  );
}
