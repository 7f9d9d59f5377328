// A tenant by id — only the caller's own; any other id (someone else's, malformed, unknown) is a 404.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { TenantCard } from '@/components/tenant-card.tsx';
import { Time } from '@/components/time.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { listAuditEventsForTenant } from '@/lib/db/queries/audit.ts';
import { toTenantDto } from '@/lib/tenants/dto.ts';
import { RebuildSummary } from '@/components/rebuilds/rebuild-summary.tsx';
import { RebuildTable } from '@/components/rebuilds/rebuild-table.tsx';
import { SCAN_TYPE_LABELS } from '@/components/ui/charts/palette.ts';
import { DualAxisChart } from '@/components/ui/charts/dual-axis-chart.tsx';
import { SCAN_TYPE_COLORS } from '@/components/ui/charts/palette.ts';
import { loadRebuilds } from '@/lib/sync-health/dashboard-data.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { cardClass } from '@/components/ui/card.tsx';

export const metadata: Metadata = { title: 'Tenant' };
export const dynamic = 'force-dynamic';

export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { tenant } = await requireTenant(id, { callbackUrl: `/tenants/${encodeURIComponent(id)}` });
  const db = await getDb();
  const [events, rebuilds] = await Promise.all([listAuditEventsForTenant(db, tenant.id, 20), loadRebuilds(db, tenant.id)]);
  return (
    <>
      <PageHeader title={tenant.name} description={`You are its ${tenant.membershipRole}.`} />
      <div className="grid grid-cols-1 gap-6">
        <TenantCard initial={toTenantDto(tenant)} linkToDetail={false}><RebuildSummary data={rebuilds} /></TenantCard>
        <section aria-labelledby="rebuilds-h" className="grid min-w-0 grid-cols-1 gap-3">
          <h2 id="rebuilds-h" className="text-base font-semibold text-slate-900">Index rebuilds</h2>
          <p className="text-sm text-slate-700">At start-up the tenant rebuilds its search index from your files (no index yet) or catches up with changes made while it was stopped. Every one is listed here.</p>
          <DualAxisChart
            title="Rebuild duration and files indexed" testId="chart-rebuilds"
            description="Each index rebuild: its duration (line, left axis) against the files it indexed (bars, right axis); failed rebuilds are marked ✕."
            points={rebuilds.rebuilds.map((r) => ({ x: new Date(r.started_at), line: r.duration_ms, bar: r.files_scanned, failed: r.status !== 'ok', label: SCAN_TYPE_LABELS[r.mode ?? 'rebuild'] }))}
            lineLabel="Duration" barLabel="Files indexed" lineFormat={formatDuration} lineColor={SCAN_TYPE_COLORS.rebuild}
          />
          <RebuildTable rebuilds={rebuilds.rebuilds} />
        </section>
        <section className={cardClass({ padding: 'none' })}>
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
