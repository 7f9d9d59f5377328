// A tenant by id — only the caller's own; any other id (someone else's, malformed, unknown) is a 404.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { TenantCard } from '@/components/tenant-card.tsx';
import { Time } from '@/components/time.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { listAuditEventsForTenant } from '@/lib/db/queries/audit.ts';
import { toTenantDto } from '@/lib/tenants/dto.ts';

export const metadata: Metadata = { title: 'Tenant' };
export const dynamic = 'force-dynamic';

export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { tenant } = await requireTenant(id, { callbackUrl: `/tenants/${encodeURIComponent(id)}` });
  const events = await listAuditEventsForTenant(await getDb(), tenant.id, 20);
  return (
    <>
      <PageHeader title={tenant.name} description={`You are its ${tenant.membershipRole}.`} />
      <div className="grid gap-6">
        <TenantCard initial={toTenantDto(tenant)} linkToDetail={false} />
        <section className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <h2 className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">Recent activity</h2>
          <ul data-testid="tenant-activity" className="divide-y divide-slate-100">
            {events.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 px-5 py-3 text-sm">
                <span className="font-mono text-xs text-slate-700">{e.action}</span>
                <span className="text-xs text-slate-500"><Time iso={new Date(e.createdAt).toISOString()} />{e.ip ? ` · ${e.ip}` : ''}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
