'use client';
import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { buttonClass } from '@/components/ui/button.tsx';

export function SignOutButton({ className }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      data-testid="sign-out"
      disabled={busy}
      onClick={() => { setBusy(true); void signOut({ callbackUrl: '/' }); }}
      className={className ?? buttonClass()}
    >
      {busy ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
