// /device/confirm?grant=… — what is asking, from where, for which tenant; Approve / Deny (POST only).
import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Time } from '@/components/time.tsx';
import { cookies } from 'next/headers';
import { ENTERED_CODE_COOKIE, csrfToken, describeScopes, displayIp, readPendingCode, shortUserAgent } from '@/lib/auth/device-page.ts';
import { getGrantForConfirmation, hashUserCode, normaliseUserCode, tenantForApproval } from '@/lib/auth/device-grant.ts';
import { getSessionUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { Button } from '@/components/ui/button.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export const metadata: Metadata = { title: 'Approve terminal access' };
export const dynamic = 'force-dynamic';

export default async function ConfirmPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const user = await getSessionUser().catch(() => null);
  if (!user) redirect('/device/start');
  const grantId = typeof sp.grant === 'string' ? sp.grant : '';
  const db = await getDb();
  const found = await getGrantForConfirmation(db, grantId, user.id, new Date());
  if (found.state === 'expired') redirect('/device/done?result=expired');
  if (found.state !== 'pending') redirect('/device?error=invalid');
  const g = found.grant;
  const { oauth } = getConfig();
  const client = oauth.clients.get(g.clientId);
  // The same function approval binds with; the form sends it back so a change in between is refused.
  const tenant = await tenantForApproval(db, user.id);
  // Show the code again only if it is this grant's (the cookie holds what was entered, signed).
  const entered = readPendingCode(oauth.secret, (await cookies()).get(ENTERED_CODE_COOKIE)?.value, new Date());
  const shownCode = entered && hashUserCode(normaliseUserCode(entered)!) === g.userCodeHash ? entered : null;
  const minutesLeft = Math.max(0, Math.ceil((g.expiresAt.getTime() - Date.now()) / 60_000));
  return (
    <div>
      <h1 className="text-xl font-semibold text-slate-900">Approve terminal access?</h1>
      <Notice tone="warning" role="status" testId="device-warning" className="mt-2">
        Approve only if the code you entered matches the one in <strong>your</strong> terminal and you started this login yourself.
      </Notice>
      {shownCode && (
        <p className="mt-5 text-center">
          <span className="block text-xs text-slate-500">Code</span>
          <span data-testid="device-code" className="font-mono text-2xl font-semibold tracking-[0.15em] text-slate-900 sm:text-3xl">{shownCode}</span>
        </p>
      )}
      <dl className="mt-5 grid gap-3 text-sm" data-testid="device-details">
        <div><dt className="text-slate-500">Application</dt><dd className="font-medium text-slate-900" data-testid="device-client">{client?.name ?? g.clientId}</dd></div>
        <div><dt className="text-slate-500">Requested from</dt>
          <dd className="text-slate-900"><span data-testid="device-ip" className="font-mono">{displayIp(g.deviceIp)}</span> · <span className="break-all" data-testid="device-ua">{shortUserAgent(g.deviceUserAgent)}</span></dd></div>
        <div><dt className="text-slate-500">Requested at</dt><dd className="text-slate-900"><Time iso={g.createdAt.toISOString()} /> <span className="text-slate-500">(expires in {minutesLeft} min)</span></dd></div>
        <div><dt className="text-slate-500">Account and tenant</dt>
          <dd className="text-slate-900">{user.email ?? user.name} · <span data-testid="device-tenant">{tenant ? tenant.name : 'no tenant yet'}</span>{tenant && <span className="ml-1 font-mono text-xs text-slate-500">{tenant.id}</span>}</dd></div>
        <div><dt className="text-slate-500">It will be able to</dt>
          <dd><ul className="mt-1 list-disc pl-5 text-slate-900">{describeScopes(g.scope).map((s) => <li key={s}>{s}</li>)}</ul></dd></div>
      </dl>
      <form method="post" action="/device/decide" className="mt-6 flex gap-3">
        <input type="hidden" name="grant" value={g.id} />
        <input type="hidden" name="tenant" value={tenant?.id ?? ''} />
        <input type="hidden" name="csrf" value={csrfToken(oauth.secret, 'device-decide', user.id, g.id)} />
        <Button type="submit" size="lg" name="decision" value="deny" data-testid="device-deny" className="flex-1">Deny</Button>
        <Button type="submit" size="lg" variant="primary" name="decision" value="approve" data-testid="device-approve" className="flex-1">Approve</Button>
      </form>
      <p className="mt-4 text-xs text-slate-500">You can revoke it any time under <Link className="underline" href="/cli-sessions">CLI sessions</Link>.</p>
    </div>
  );
}
