// /device — the verification_uri. Sign-in first; then one field for the code the terminal shows
// (case, spaces and dashes ignored). `?user_code=` (verification_uri_complete) only pre-fills.
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { PENDING_CODE_COOKIE, csrfToken, readPendingCode } from '@/lib/auth/device-page.ts';
import { formatUserCode, normaliseUserCode } from '@/lib/auth/device-grant.ts';
import { getSessionUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { Button } from '@/components/ui/button.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export const metadata: Metadata = { title: 'Connect a terminal' };
export const dynamic = 'force-dynamic';

const ERRORS: Record<string, string> = {
  invalid: 'That code is not valid. It may be mistyped, expired or already used. Check your terminal and try again.',
  rate_limited: 'Too many attempts. Wait a few minutes, then try again.',
  csrf: 'Your form expired. Please enter the code again.',
};

export default async function DevicePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const fromQuery = typeof sp.user_code === 'string' ? sp.user_code : undefined;
  const user = await getSessionUser().catch(() => null);
  if (!user) redirect(fromQuery ? `/device/start?${new URLSearchParams({ user_code: fromQuery.slice(0, 40) })}` : '/device/start');
  const { oauth } = getConfig();
  const normalised = fromQuery ? normaliseUserCode(fromQuery) : null;
  const prefill = normalised ? formatUserCode(normalised)
    : readPendingCode(oauth.secret, (await cookies()).get(PENDING_CODE_COOKIE)?.value, new Date()) ?? '';
  const error = typeof sp.error === 'string' ? ERRORS[sp.error] : undefined;
  return (
    <div>
      <h1 className="text-xl font-semibold text-slate-900">Connect a terminal</h1>
      <p className="mt-2 text-sm text-slate-600">
        Enter the code shown by <code className="rounded bg-slate-100 px-1 font-mono text-xs">bm cloud login</code>. You are signed in as <strong>{user.email ?? user.name}</strong>.
      </p>
      {error && <Notice tone="danger" testId="device-error" className="mt-4">{error}</Notice>}
      <form method="post" action="/device/verify" className="mt-6 grid gap-4">
        <input type="hidden" name="csrf" value={csrfToken(oauth.secret, 'device-entry', user.id)} />
        <label className="grid gap-1.5 text-sm font-medium text-slate-800">
          Code
          <input
            name="user_code" defaultValue={prefill} required autoFocus autoComplete="off" autoCapitalize="characters" spellCheck={false}
            maxLength={40} placeholder="XXXX-XXXX-XXXX" data-testid="user-code-input"
            className="rounded-lg border border-slate-300 px-3 py-2.5 text-center font-mono text-xl uppercase tracking-[0.15em] sm:text-2xl focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
          />
        </label>
        <Button type="submit" size="lg" variant="primary" data-testid="user-code-submit">Continue</Button>
      </form>
      <p className="mt-4 text-xs text-slate-500">Next you will see what is asking for access before anything is approved.</p>
      <p className="mt-2 text-xs text-slate-500">Not {user.email ?? 'you'}? <a className="underline" href="/signout">Sign out</a></p>
    </div>
  );
}
