// Ops only (role ops/admin); everyone else gets the 404 page. Sync health views come in a later issue.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { TenantStatusBadge } from '@/components/status-badge.tsx';
import { Time } from '@/components/time.tsx';
import { requireOps } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { listTenantsWithOwners } from '@/lib/db/queries/tenants.ts';

export const metadata: Metadata = { title: 'Ops' };
export const dynamic = 'force-dynamic';

export default async function OpsPage() {
  await requireOps({ callbackUrl: '/ops' });
  const rows = await listTenantsWithOwners(await getDb());
  return (
    <>
      <PageHeader title="Ops" description="Every tenant and its state. Sync health across tenants appears here once tenants report sync runs." />
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="overflow-x-auto">
          <table data-testid="ops-tenants" className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr><th className="px-4 py-3">Owner</th><th className="px-4 py-3">Status</th><th className="px-4 py-3">Since</th><th className="px-4 py-3">Tenant id</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((t) => (
                <tr key={t.id}>
                  <td className="px-4 py-3 text-slate-900" data-testid="ops-owner">{t.ownerEmail ?? '—'}</td>
                  <td className="px-4 py-3"><TenantStatusBadge status={t.status} /></td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-600"><Time iso={new Date(t.statusChangedAt).toISOString()} /></td>
                  <td className="whitespace-nowrap px-4 py-3 font-mono text-xs text-slate-500">{t.id}</td>
                </tr>
              ))}
              {rows.length === 0 && <tr><td colSpan={4} className="px-4 py-8 text-center text-slate-500">No tenants yet.</td></tr>}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
