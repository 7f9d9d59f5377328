import type { TenantDto } from '@/lib/tenants/dto.ts';

const STYLES: Record<TenantDto['status'], string> = {
  provisioning: 'bg-sky-50 text-sky-800 ring-sky-200',
  starting: 'bg-sky-50 text-sky-800 ring-sky-200',
  rebuilding: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  running: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  degraded: 'bg-amber-50 text-amber-900 ring-amber-200',
  stopped: 'bg-slate-100 text-slate-700 ring-slate-300',
  failed: 'bg-rose-50 text-rose-800 ring-rose-200',
  sleeping: 'bg-violet-50 text-violet-800 ring-violet-200',
};

export function TenantStatusBadge({ status }: { status: TenantDto['status'] }) {
  const busy = status === 'provisioning' || status === 'starting' || status === 'rebuilding';
  return (
    <span data-testid="tenant-status" className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}>
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full bg-current ${busy ? 'animate-pulse' : ''}`} />
      {status}
    </span>
  );
}
