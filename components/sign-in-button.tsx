'use client';
import { signIn } from 'next-auth/react';
import { useState } from 'react';
import { buttonClass } from '@/components/ui/button.tsx';

export function SignInButton({ callbackUrl = '/dashboard', label = 'Sign in', className }: { callbackUrl?: string; label?: string; className?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      data-testid="sign-in"
      disabled={busy}
      onClick={() => { setBusy(true); void signIn('oidc', { callbackUrl }); }}
      className={className ?? buttonClass({ variant: 'primary', size: 'lg' })}
    >
      {busy ? 'Redirecting…' : label}
    </button>
  );
}
