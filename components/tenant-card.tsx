'use client';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useMyTenantQuery } from '@/lib/cloud-client/tenant/queries.ts';
import type { TenantDto } from '@/lib/tenants/dto.ts';
import { TenantStatusBadge } from './status-badge.tsx';
import { Time } from './time.tsx';
import { Card } from '@/components/ui/card.tsx';

const NEXT_STEP: Partial<Record<TenantDto['status'], string>> = {
  provisioning: 'Your tenant is being provisioned. Its memory API starts automatically; this card updates by itself.',
  starting: 'Your tenant API is starting.',
  rebuilding: 'Your tenant is rebuilding its search index from your files.',
  degraded: 'Your tenant is running with problems; we are on it.',
  stopped: 'Your tenant is stopped.',
  failed: 'Your tenant could not start. An operator has been alerted.',
  sleeping: 'Your tenant is asleep after a quiet spell, with everything kept. It wakes by itself on your next request.',
};

/** Tenant id, status and since when. Polls /api/tenant while the tenant is on its way to running. */
export function TenantCard({ initial, live = true, linkToDetail = true, children }: { initial: TenantDto; live?: boolean; linkToDetail?: boolean; children?: ReactNode }) {
  const q = useMyTenantQuery({ initialData: initial, enabled: live });
  const t = live ? (q.data ?? initial) : initial;
  return (
    <Card as="section" data-testid="tenant-card">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Your tenant</p>
          <h2 className="mt-1 truncate text-lg font-semibold text-slate-900" data-testid="tenant-name">{t.name}</h2>
        </div>
        <TenantStatusBadge status={t.status} />
      </div>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
        <div className="min-w-0">
          <dt className="text-slate-500">Tenant id</dt>
          <dd className="mt-0.5 break-all font-mono text-xs text-slate-800" data-testid="tenant-id">{t.id}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Status since</dt>
          <dd className="mt-0.5 text-slate-800"><Time iso={t.statusChangedAt} testId="tenant-since" /></dd>
        </div>
        <div>
          <dt className="text-slate-500">Created</dt>
          <dd className="mt-0.5 text-slate-800"><Time iso={t.createdAt} /></dd>
        </div>
      </dl>
      {(t.statusDetail || NEXT_STEP[t.status]) && (
        <p className="mt-4 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600">{t.statusDetail ?? NEXT_STEP[t.status]}</p>
      )}
      {children && <div className="mt-4 border-t border-slate-100 pt-3">{children}</div>}
      {linkToDetail && (
        <div className="mt-4 text-sm">
          <Link className="font-medium text-brand-700 hover:underline" href={`/tenants/${t.id}`}>Tenant details →</Link>
        </div>
      )}
    </Card>
  );
}
