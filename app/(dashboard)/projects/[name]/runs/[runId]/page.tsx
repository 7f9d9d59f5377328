// One run's full report. Only runs of this project of the caller's tenant exist; anything else is the 404 page.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/page-header.tsx';
import { RunReport } from '@/components/runs/run-report.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { loadRunDetail } from '@/lib/sync-health/dashboard-data.ts';
import { ProjectNameParam, RunIdParam, segment } from '@/lib/sync-health/route-params.ts';

export const metadata: Metadata = { title: 'Run report' };
export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ name: string; runId: string }> }) {
  const p = await params;
  const name = ProjectNameParam.safeParse(segment(p.name));
  const runId = RunIdParam.safeParse(segment(p.runId));
  if (!name.success || !runId.success) notFound();
  const base = `/projects/${encodeURIComponent(name.data)}`;
  const { tenant } = await requireTenant(undefined, { callbackUrl: `${base}/runs/${encodeURIComponent(runId.data)}` });
  const run = await loadRunDetail(await getDb(), tenant.id, name.data, runId.data);
  if (!run) notFound();
  return (
    <>
      <PageHeader title={`Run of ${name.data}`} description={`Started ${run.started_at.replace('T', ' ').slice(0, 19)} UTC · id ${run.id}`} />
      <p className="-mt-2 mb-4 text-sm"><Link href={base} className="text-brand-700 hover:underline">← {name.data}</Link></p>
      <RunReport run={run} heading="Run report" />
    </>
  );
}
