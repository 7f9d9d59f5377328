// The runs a chart bucket counts (ops only). Same data as GET /api/ops/runs with the same parameters.
import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header.tsx';
import { SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import { requireOps } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { loadOpsRuns, OpsQueryError } from '@/lib/ops/ops-views.ts';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';
import { formatUtc } from '@/lib/format/dates.ts';
import { Notice } from '@/components/ui/notice.tsx';

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
        <Notice tone="warning" testId="ops-runs-error">This link is not a valid bucket ({err.message}). <Link className="underline" href="/ops">Back to Ops</Link></Notice>
      </>
    );
  }
  const { query, runs, retention } = data;
  const span = `${formatUtc(query.from)} – ${formatUtc(query.to)}`;
  return (
    <>
      <PageHeader title="Runs in a bucket" description={`${span}${query.scanType ? ` · ${SCAN_TYPE_LABELS[seriesKey(query.scanType)]}` : ''}${query.tenantId ? ` · tenant ${query.tenantId.slice(0, 8)}` : ''}`} />
      <p className="-mt-2 mb-4 text-sm"><Link href={query.tenantId ? `/ops/tenants/${query.tenantId}` : '/ops'} className="text-brand-700 underline">← Back</Link></p>
      <p className="mb-3 text-xs text-slate-700">Newest first, up to {query.limit}. Runs that changed nothing are listed for {retention.raw_no_change_hours} h, the rest for {retention.raw_changed_days} days; the charts count every run for {retention.rollup_days} days.</p>
      <Table label="Table, scrolls sideways" testId="ops-runs" caption={<>Runs in {span}</>}>
        <THead><Th>Started</Th><Th>Tenant</Th><Th>Project</Th><Th>Scan type</Th><Th>Outcome</Th><Th>Duration</Th><Th>Changes</Th></THead>
          <TBody>
            {runs.map((r) => (
              <tr key={`${r.tenantId}/${r.runId}`} data-testid="ops-run-row">
                <td className="whitespace-nowrap px-3 py-2">{formatUtc(r.startedAt, 'second')}</td>
                <td className="px-3 py-2"><Link className="font-mono text-xs text-brand-700 underline" href={`/ops/tenants/${r.tenantId}`}>{r.tenantId.slice(0, 8)}</Link></td>
                <td className="px-3 py-2">{r.project ?? '—'}</td>
                <td className="px-3 py-2">{SCAN_TYPE_LABELS[r.kind === 'rebuild' ? 'rebuild' : seriesKey(r.scanType)]}</td>
                <td className="px-3 py-2">{r.status === 'ok' ? '✓ ok' : `✕ ${r.status}`}{r.skippedCount ? ` · ${r.skippedCount} skipped` : ''}</td>
                <td className="px-3 py-2 tabular-nums">{formatDuration(r.durationMs)}</td>
                <td className="px-3 py-2 tabular-nums">+{r.newCount} ~{r.modifiedCount} −{r.deletedCount}</td>
              </tr>
            ))}
            {runs.length === 0 && <tr><td colSpan={7} className="px-3 py-6 text-center text-slate-700">No run of this bucket is still kept raw.</td></tr>}
          </TBody>
        </Table>
    </>
  );
}
