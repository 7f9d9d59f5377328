'use client';
import { signOut } from 'next-auth/react';
import { useState } from 'react';

export function SignOutButton({ className }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      data-testid="sign-out"
      disabled={busy}
      onClick={() => { setBusy(true); void signOut({ callbackUrl: '/' }); }}
      className={className ?? 'whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 ring-1 ring-slate-200 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-60'}
    >
      {busy ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
