// /device/done?result=… — the end states of the device flow.
import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Terminal login' };
export const dynamic = 'force-dynamic';

const STATES: Record<string, { title: string; body: string; tone: string; icon: string }> = {
  approved: { title: 'Terminal connected', body: 'You can close this tab and return to your terminal; it will finish signing in within a few seconds.', tone: 'bg-emerald-50 text-emerald-700', icon: '✓' },
  denied: { title: 'Request denied', body: 'Nothing was connected. The terminal will report that the login was denied.', tone: 'bg-slate-100 text-slate-600', icon: '✕' },
  expired: { title: 'Code expired', body: 'This code is no longer valid. Run bm cloud login again to get a new one.', tone: 'bg-amber-50 text-amber-700', icon: '⌛' },
  invalid: { title: 'This request can no longer be changed', body: 'It was already decided, used, or belongs to another account. Start again from your terminal if needed.', tone: 'bg-rose-50 text-rose-700', icon: '!' },
};

export default async function DonePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const key = typeof sp.result === 'string' && sp.result in STATES ? sp.result : 'invalid';
  const s = STATES[key]!;
  return (
    <div className="text-center" data-testid={`device-${key}`}>
      <div aria-hidden className={`mx-auto grid h-12 w-12 place-items-center rounded-full text-xl ${s.tone}`}>{s.icon}</div>
      <h1 className="mt-4 text-xl font-semibold text-slate-900">{s.title}</h1>
      <p className="mt-2 text-sm text-slate-600">{s.body}</p>
      <p className="mt-6 text-sm"><Link className="text-brand-700 underline" href={key === 'approved' ? '/cli-sessions' : '/device'}>{key === 'approved' ? 'See your CLI sessions' : 'Enter another code'}</Link></p>
    </div>
  );
}
