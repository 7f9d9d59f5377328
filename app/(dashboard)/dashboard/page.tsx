import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header.tsx';
import { TenantCard } from '@/components/tenant-card.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { toTenantDto } from '@/lib/tenants/dto.ts';
import { RebuildSummary } from '@/components/rebuilds/rebuild-summary.tsx';
import { getDb } from '@/lib/db/index.ts';
import { loadRebuilds } from '@/lib/sync-health/dashboard-data.ts';
import { cardClass } from '@/components/ui/card.tsx';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const { user, tenant } = await requireTenant(undefined, { callbackUrl: '/dashboard' });
  const rebuilds = await loadRebuilds(await getDb(), tenant.id);
  const first = user.name?.split(' ')[0] ?? user.email?.split('@')[0] ?? 'there';
  return (
    <>
      <PageHeader title={`Welcome, ${first}`} description="Your cloud memory at a glance." />
      <div className="grid grid-cols-1 gap-6">
        <TenantCard initial={toTenantDto(tenant)}><RebuildSummary data={rebuilds} /></TenantCard>
        <section className="grid gap-4 sm:grid-cols-2">
          <Link href="/projects" className={cardClass({ className: 'hover:border-brand-500' })}>
            <h2 className="font-semibold text-slate-900">Projects</h2>
            <p className="mt-1 text-sm text-slate-600">Folders of markdown notes your agents read and write.</p>
          </Link>
          <Link href="/cli-sessions" className={cardClass({ className: 'hover:border-brand-500' })}>
            <h2 className="font-semibold text-slate-900">Connect a terminal</h2>
            <p className="mt-1 text-sm text-slate-600">Run <code className="rounded bg-slate-100 px-1 font-mono text-xs">bm cloud login</code> and approve the code here.</p>
          </Link>
        </section>
      </div>
    </>
  );
}
