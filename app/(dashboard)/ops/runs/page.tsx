// The runs a chart bucket counts (ops only). Same data as GET /api/ops/runs with the same parameters.
import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header.tsx';
import { SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import { requireOps } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { loadOpsRuns, OpsQueryError } from '@/lib/ops/ops-views.ts';

export const metadata: Metadata = { title: 'Runs · Ops' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function OpsRunsPage({ searchParams }: Props) {
  await requireOps({ callbackUrl: '/ops' });
  const sp = await searchParams;
  let data;
  try {
    data = await loadOpsRuns(await getDb(), sp);
  } catch (err) {
    if (!(err instanceof OpsQueryError)) throw err;
    return (
      <>
        <PageHeader title="Runs" />
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="ops-runs-error">This link is not a valid bucket ({err.message}). <Link className="underline" href="/ops">Back to Ops</Link></p>
      </>
    );
  }
  const { query, runs, retention } = data;
  const span = `${query.from.toISOString().replace('T', ' ').slice(0, 16)} – ${query.to.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  return (
    <>
      <PageHeader title="Runs in a bucket" description={`${span}${query.scanType ? ` · ${SCAN_TYPE_LABELS[seriesKey(query.scanType)]}` : ''}${query.tenantId ? ` · tenant ${query.tenantId.slice(0, 8)}` : ''}`} />
      <p className="-mt-2 mb-4 text-sm"><Link href={query.tenantId ? `/ops/tenants/${query.tenantId}` : '/ops'} className="text-brand-700 underline">← Back</Link></p>
      <p className="mb-3 text-xs text-slate-700">Newest first, up to {query.limit}. Runs that changed nothing are listed for {retention.raw_no_change_hours} h, the rest for {retention.raw_changed_days} days; the charts count every run for {retention.rollup_days} days.</p>
      <div tabIndex={0} role="region" aria-label="Table, scrolls sideways" className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="ops-runs">
          <caption className="sr-only">Runs in {span}</caption>
          <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-700">
            <tr><th scope="col" className="px-3 py-2">Started</th><th scope="col" className="px-3 py-2">Tenant</th><th scope="col" className="px-3 py-2">Project</th><th scope="col" className="px-3 py-2">Scan type</th><th scope="col" className="px-3 py-2">Outcome</th><th scope="col" className="px-3 py-2">Duration</th><th scope="col" className="px-3 py-2">Changes</th></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {runs.map((r) => (
              <tr key={`${r.tenantId}/${r.runId}`} data-testid="ops-run-row">
                <td className="whitespace-nowrap px-3 py-2">{r.startedAt.toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td className="px-3 py-2"><Link className="font-mono text-xs text-brand-700 underline" href={`/ops/tenants/${r.tenantId}`}>{r.tenantId.slice(0, 8)}</Link></td>
                <td className="px-3 py-2">{r.project ?? '—'}</td>
                <td className="px-3 py-2">{r.kind === 'rebuild' ? 'Rebuild' : SCAN_TYPE_LABELS[seriesKey(r.scanType)]}</td>
                <td className="px-3 py-2">{r.status === 'ok' ? '✓ ok' : `✕ ${r.status}`}{r.skippedCount ? ` · ${r.skippedCount} skipped` : ''}</td>
                <td className="px-3 py-2 tabular-nums">{formatDuration(r.durationMs)}</td>
                <td className="px-3 py-2 tabular-nums">+{r.newCount} ~{r.modifiedCount} −{r.deletedCount}</td>
              </tr>
            ))}
            {runs.length === 0 && <tr><td colSpan={7} className="px-3 py-6 text-center text-slate-700">No run of this bucket is still kept raw.</td></tr>}
          </tbody>
        </table>
      </div>
    </>
  );
}
