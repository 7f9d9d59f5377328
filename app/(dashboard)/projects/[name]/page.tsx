// One project: live health and actions, the latest report, "what would change now", charts and the
// filtered, paginated run history. The data is the same loader as GET /api/projects/{name}.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/page-header.tsx';
import { RunHistoryTable } from '@/components/runs/run-history-table.tsx';
import { RunReport } from '@/components/runs/run-report.tsx';
import { buttonClass } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { plural } from '@/lib/format/plurals.ts';
import { requireTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { loadProjectPage, loadProjectsOverview } from '@/lib/sync-health/dashboard-data.ts';
import { parseRunFilters, RANGE_LABELS, runFiltersToQuery } from '@/lib/sync-health/run-filters.ts';
import { ProjectNameParam, segment } from '@/lib/sync-health/route-params.ts';
import { CurrentProblems } from './current-problems.tsx';
import { DryRun } from './dry-run.tsx';
import { ProjectCharts } from './project-charts.tsx';
import { ProjectLive } from './project-live.tsx';
import { RunFiltersForm } from './run-filters-form.tsx';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: `${segment(name).slice(0, 100)} · Projects` };
}

export default async function ProjectPage({ params, searchParams }: Props) {
  const { name: rawName } = await params;
  const parsedName = ProjectNameParam.safeParse(segment(rawName));
  if (!parsedName.success) notFound();
  const name = parsedName.data;
  const base = `/projects/${encodeURIComponent(name)}`;
  const { tenant } = await requireTenant(undefined, { callbackUrl: base });
  const { filters, notices } = parseRunFilters(await searchParams);
  const db = await getDb();
  const overview = await loadProjectsOverview(db, tenant);
  const data = await loadProjectPage(db, tenant, name, filters, { overview });
  if (!data) notFound();
  const pages = Math.max(1, Math.ceil(data.total / data.page_size));
  const disabledReason = !data.reachable ? 'Unavailable while your tenant is not serving.' : data.project.history_only ? 'This project is no longer on your tenant.' : null;
  return (
    <>
      <PageHeader title={name} description={data.project.path ? `Folder ${data.project.path} · ${data.project.note_count ?? '—'} notes · ${data.project.run_count} recorded runs` : `${data.project.run_count} recorded runs`} />
      <p className="-mt-2 mb-4 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        <Link href="/projects" className="text-brand-700 hover:underline">← All projects</Link>
        {!data.project.history_only && <Link href={`${base}/notes`} data-testid="project-notes-link" className={buttonClass({ size: 'sm', className: 'text-sm' })}>Browse notes →</Link>}
      </p>
      <div className="grid grid-cols-1 gap-5">
        {data.banner && <Notice tone="warning" role="status" testId="tenant-banner">{data.banner}</Notice>}
        <ProjectLive name={name} initial={overview} renderedRunId={data.latest?.id ?? null} />
        <CurrentProblems problems={data.project.problems} />
        {notices.length > 0 && (
          <Notice tone="warning" role="status" testId="filter-notices" title="Some filters in the address were not understood and were ignored:">
            <ul className="mt-1 list-disc pl-5">{notices.map((n) => <li key={n}>{n}</li>)}</ul>
          </Notice>
        )}
        {data.latest
          ? <RunReport run={data.latest} />
          : <p data-testid="no-runs" className={cardClass({ dashed: true, className: 'text-sm text-slate-700' })}>No sync of this project has been recorded yet. The first one runs on the schedule (every {overview.sync_interval_seconds} s), or press “Sync now”.</p>}
        <DryRun name={name} disabledReason={disabledReason} />
        <ProjectCharts series={data.series} rangeLabel={RANGE_LABELS[filters.range]} />
        <section aria-labelledby="history-h" className="grid min-w-0 grid-cols-1 gap-3">
          <h2 id="history-h" className="text-base font-semibold text-slate-900">Run history</h2>
          <RunFiltersForm action={base} filters={filters} />
          <p className="text-xs text-slate-700" data-testid="run-count">{plural(data.total, 'run')} match · page {data.page} of {pages}</p>
          {data.runs.length > 0
            ? <RunHistoryTable runs={data.runs} now={data.generated_at} caption={`Runs of ${name}`} runHref={(r) => `${base}/runs/${encodeURIComponent(r.id)}`} />
            : <p className={cardClass({ dashed: true, className: 'text-sm text-slate-700' })} data-testid="no-matching-runs">No runs match these filters.</p>}
          {pages > 1 && (
            <nav aria-label="Run history pages" className="flex justify-between text-sm">
              {data.page > 1 ? <Link data-testid="page-prev" className="text-brand-700 hover:underline" href={`${base}${runFiltersToQuery({ ...filters, page: data.page - 1 })}`}>← Newer</Link> : <span />}
              {data.page < pages ? <Link data-testid="page-next" className="text-brand-700 hover:underline" href={`${base}${runFiltersToQuery({ ...filters, page: data.page + 1 })}`}>Older →</Link> : <span />}
            </nav>
          )}
        </section>
      </div>
    </>
  );
}
