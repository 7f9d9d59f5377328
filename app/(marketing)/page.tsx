import Link from 'next/link';
import { DevSignInBanner } from '@/components/dev-banner.tsx';
import { Logo } from '@/components/logo.tsx';
import { SignInButton } from '@/components/sign-in-button.tsx';
import { getSessionUser } from '@/lib/auth/session.ts';
import { cardClass } from '@/components/ui/card.tsx';

export const dynamic = 'force-dynamic';

const FEATURES = [
  { title: 'Plain markdown, always', body: 'Your agent’s memory is a folder of notes with frontmatter, observations and relations. The files are the truth; the index follows them.' },
  { title: 'One tenant per account', body: 'Every account gets its own tenant API owning its files and search index, reachable only by you.' },
  { title: 'CLI and browser', body: 'Sign in here, then connect a terminal with bm cloud login and sync your projects.' },
];

export default async function LandingPage() {
  const user = await getSessionUser().catch(() => null);
  return (
    <div className="flex min-h-dvh flex-col">
      <DevSignInBanner />
      <header className="mx-auto flex w-full max-w-5xl items-center justify-between px-4 py-5 sm:px-6">
        <Logo />
        {user ? (
          <Link href="/dashboard" className="text-sm font-medium text-brand-700 hover:underline">Dashboard →</Link>
        ) : (
          <SignInButton label="Sign in" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-white" />
        )}
      </header>
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 sm:px-6">
        <section className="py-12 sm:py-20">
          <p className="text-sm font-semibold text-brand-600">Basic Memory Cloud</p>
          <h1 className="mt-3 max-w-3xl text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
            Hosted memory for your AI agents, kept as plain markdown.
          </h1>
          <p className="mt-5 max-w-2xl text-lg text-slate-600">
            Keep your projects’ notes in the cloud, searchable by your agents and in sync with your machines.
          </p>
          <div className="mt-8 flex flex-wrap items-center gap-4">
            {user ? (
              <Link href="/dashboard" data-testid="go-to-dashboard" className="inline-flex items-center rounded-lg bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700">
                Go to your dashboard
              </Link>
            ) : (
              <SignInButton label="Sign in to get started" />
            )}
            <span className="text-sm text-slate-500">New here? Signing in creates your account and tenant.</span>
          </div>
        </section>
        <section className="grid gap-4 pb-16 sm:grid-cols-3">
          {FEATURES.map((f) => (
            <div key={f.title} className={cardClass()}>
              <h2 className="font-semibold text-slate-900">{f.title}</h2>
              <p className="mt-2 text-sm text-slate-600">{f.body}</p>
            </div>
          ))}
        </section>
      </main>
      <footer className="border-t border-slate-200 py-6 text-center text-xs text-slate-500">Basic Memory Cloud</footer>
    </div>
  );
}
