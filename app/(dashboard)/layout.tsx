// The signed-in shell: header (logo, user, sign out), navigation, content. Every page below also
// calls a session helper itself — a layout is not an authorization boundary.
import type { ReactNode } from 'react';
import { DashboardNav, type NavItem } from '@/components/dashboard-nav.tsx';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';
import { SignOutButton } from '@/components/sign-out-button.tsx';
import { isOps, requireUser } from '@/lib/auth/session.ts';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const items: NavItem[] = [
    { href: '/dashboard', label: 'Overview' },
    { href: '/projects', label: 'Projects' },
    { href: '/search', label: 'Search' },
    { href: '/files', label: 'Files' },
    { href: '/cli-sessions', label: 'CLI sessions' },
    { href: '/app-passwords', label: 'App passwords' },
    { href: '/connected-apps', label: 'Connected apps' },
    { href: '/api-keys', label: 'API keys' },
    { href: '/snapshots', label: 'Snapshots' },
    { href: '/trash', label: 'Trash' },
    { href: '/sessions', label: 'Browser sessions' },
    ...(isOps(user) ? [{ href: '/ops', label: 'Ops' }] : []),
  ];
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <Logo href="/dashboard" />
          <div className="flex min-w-0 items-center gap-3">
            <div className="hidden min-w-0 text-right sm:block sm:max-w-xs">
              <p className="truncate text-sm font-medium text-slate-900" data-testid="user-name">{user.name ?? user.email ?? 'Signed in'}</p>
              <p className="truncate text-xs text-slate-500" data-testid="user-email">{user.email}{user.role !== 'user' ? ` · ${user.role}` : ''}</p>
            </div>
            <SignOutButton />
          </div>
        </div>
        <p className="truncate px-4 pb-2 text-xs text-slate-500 sm:hidden" data-testid="user-email-compact">
          Signed in as <span className="font-medium text-slate-700">{user.email ?? user.name}</span>{user.role !== 'user' ? ` · ${user.role}` : ''}
        </p>
      </header>
      <div className="mx-auto flex w-full max-w-6xl flex-1 flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row">
        <aside className="md:w-48 md:shrink-0">
          <DashboardNav items={items} />
        </aside>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  );
}
