// One tenant's ops view (ops and admin only; 404 page otherwise): projects with health, runs, rebuilds
// and charts — never notes' contents. Opening it is an audit event. Admins get the lifecycle buttons.
// Same data as GET /api/ops/tenants/{id}.
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/page-header.tsx';
import { TenantStatusBadge } from '@/components/status-badge.tsx';
import { HealthBadge } from '@/components/ui/health-badge.tsx';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import { requireOps } from '@/lib/auth/session.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getDb } from '@/lib/db/index.ts';
import { isUuid } from '@/lib/db/queries/tenants.ts';
import { opsRangeWindow } from '@/lib/db/queries/ops-fleet.ts';
import { formatBytes } from '@/lib/format/sizes.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import type { TenantDto } from '@/lib/tenants/dto.ts';
import { loadOpsTenant, OpsQueryError } from '@/lib/ops/ops-views.ts';
import { DurationHistograms, RebuildChart, RunsChart } from '../../ops-charts.tsx';
import { runsHref } from '../../ops-links.ts';
import { RangeNav } from '../../range-nav.tsx';
import { AdminActions } from './admin-actions.tsx';
import { formatCount } from '@/lib/format/plurals.ts';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';
import { formatUtc } from '@/lib/format/dates.ts';
import { cardClass } from '@/components/ui/card.tsx';

export const metadata: Metadata = { title: 'Tenant · Ops' };
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function OpsTenantPage({ params, searchParams }: Props) {
  const { id } = await params;
  const user = await requireOps({ callbackUrl: `/ops/tenants/${encodeURIComponent(id)}` });
  if (!isUuid(id)) notFound();
  const sp = await searchParams;
  const range = typeof sp.range === 'string' ? sp.range : undefined;
  const info = requestInfoFromHeaders(await headers());
  const db = await getDb();
  const now = new Date();
  let data;
  try {
    data = await loadOpsTenant(db, id, range ? { range } : {}, { userId: user.id, ...info }, now);
  } catch (err) {
    if (!(err instanceof OpsQueryError)) throw err;
    data = await loadOpsTenant(db, id, {}, { userId: user.id, ...info }, now);
  }
  if (!data) notFound();
  const t = data.tenant;
  const win = opsRangeWindow(data.range, now);
  const nowIso = now.toISOString();
  return (
    <>
      <PageHeader title={t.ownerEmail ?? t.name} description={<span className="font-mono text-xs">{t.tenantId}</span>} actions={<RangeNav current={data.range} href={(r) => `/ops/tenants/${t.tenantId}?range=${r}`} />} />
      <p className="-mt-2 mb-4 text-sm"><Link href="/ops" className="text-brand-700 underline">← Ops</Link></p>
      <div className="grid gap-6">
        <section aria-label="State" className={cardClass({ className: 'grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-4' })} data-testid="ops-tenant-state">
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Status</span><TenantStatusBadge status={t.status as TenantDto['status']} /> <span className="text-xs text-slate-700">desired {t.desiredState}</span></div>
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Last reported</span>{t.lastReportedAt ? <RelativeTime iso={t.lastReportedAt.toISOString()} now={nowIso} /> : 'never'}{t.stale && <span className="ml-1 text-xs font-medium text-amber-900">⚠ stopped reporting</span>}</div>
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Crashes in window</span><span className="tabular-nums">{t.crashes}</span></div>
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Last rebuild</span>{t.lastRebuildAt ? <><RelativeTime iso={t.lastRebuildAt.toISOString()} now={nowIso} /> · {formatDuration(t.lastRebuildMs ?? 0)}</> : 'never'}</div>
          {data.attention && <p className="sm:col-span-2 lg:col-span-4 rounded-md bg-rose-50 px-2 py-1 text-rose-900" data-testid="ops-tenant-attention" data-reason={data.attention.reason}>⚠ Needs attention: {data.attention.label}</p>}
        </section>

        <section aria-label="Snapshots" className={cardClass({ className: 'grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-4' })} data-testid="ops-tenant-snapshots">
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Last good snapshot</span>
            <span data-testid="ops-snapshot-last-good">{t.snapshot.lastGoodAt ? <RelativeTime iso={t.snapshot.lastGoodAt.toISOString()} now={nowIso} /> : 'never'}</span>
            {t.snapshot.stale && <span className="ml-1 text-xs font-medium text-amber-900">⚠ older than twice the schedule</span>}</div>
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Its duration</span>{t.snapshot.durationMs != null ? formatDuration(t.snapshot.durationMs) : '—'}</div>
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Repository size</span><span className="tabular-nums">{formatBytes(t.snapshot.repositoryBytes)}</span></div>
          <div><span className="block text-xs uppercase tracking-wide text-slate-700">Failures since</span><span className="tabular-nums" data-testid="ops-snapshot-failures">{t.snapshot.failures}</span></div>
          {t.snapshot.lastError && t.snapshot.failures > 0 && <p className="sm:col-span-2 lg:col-span-4 rounded-md bg-amber-50 px-2 py-1 text-amber-900 [overflow-wrap:anywhere]">Last failure: {t.snapshot.lastError}</p>}
        </section>

        {user.role === 'admin' && <AdminActions tenantId={t.tenantId} />}

        <section aria-labelledby="projects-h" className="grid gap-2">
          <h2 id="projects-h" className="text-base font-semibold text-slate-900">Projects</h2>
          <Table label="Table, scrolls sideways" testId="ops-projects" caption={<>Projects of this tenant and their sync health</>}>
            <THead><Th>Project</Th><Th>Health</Th><Th>Last run</Th><Th>Last success</Th><Th>Duration</Th></THead>
              <TBody>
                {data.projects.map((p) => (
                  <tr key={p.project} data-testid="ops-project-row">
                    <td className="px-3 py-2 font-medium">{p.project}</td>
                    <td className="px-3 py-2"><HealthBadge state={p.health} /></td>
                    <td className="whitespace-nowrap px-3 py-2"><RelativeTime iso={p.lastRunAt.toISOString()} now={nowIso} /> · {p.lastStatus === 'ok' ? '✓' : '✕'} {SCAN_TYPE_LABELS[seriesKey(p.lastScanType)]}</td>
                    <td className="whitespace-nowrap px-3 py-2">{p.lastOkAt ? <RelativeTime iso={p.lastOkAt.toISOString()} now={nowIso} /> : 'never'}</td>
                    <td className="px-3 py-2 tabular-nums">{formatDuration(p.lastDurationMs)}</td>
                  </tr>
                ))}
                {data.projects.length === 0 && <tr><td colSpan={5} className="px-3 py-6 text-center text-slate-700">No project has reported a sync yet.</td></tr>}
              </TBody>
            </Table>
        </section>

        <section aria-labelledby="mcp-h" className="grid gap-2">
          <h2 id="mcp-h" className="text-base font-semibold text-slate-900">MCP calls (last 24 h)</h2>
          <p className="text-sm text-slate-700" data-testid="ops-mcp-summary">{data.mcp.calls} call{data.mcp.calls === 1 ? '' : 's'}, {data.mcp.errors} error{data.mcp.errors === 1 ? '' : 's'} (tool errors, invalid arguments, refused scope or budget).</p>
          {data.mcp.by_tool.length > 0 && (
            <Table label="Table, scrolls sideways" testId="ops-mcp-tools" caption={<>MCP tool calls and errors of this tenant in the last 24 hours, by tool</>}>
              <THead><Th>Tool</Th><Th>Calls</Th><Th>Errors</Th><Th>Last call</Th></THead>
                <TBody>
                  {data.mcp.by_tool.map((m) => (
                    <tr key={m.tool} data-testid="ops-mcp-row">
                      <td className="px-3 py-2 font-mono text-xs">{m.tool}</td>
                      <td className="px-3 py-2 tabular-nums">{m.calls}</td>
                      <td className="px-3 py-2 tabular-nums">{m.errors}</td>
                      <td className="whitespace-nowrap px-3 py-2">{m.lastAt ? <RelativeTime iso={m.lastAt.toISOString()} now={nowIso} /> : '—'}</td>
                    </tr>
                  ))}
                </TBody>
              </Table>
          )}
        </section>

        <section aria-labelledby="tcharts-h" className="grid gap-4">
          <h2 id="tcharts-h" className="text-base font-semibold text-slate-900">Last {data.range}</h2>
          <RunsChart series={data.series} from={win.from} to={win.to} bucket={win.bucket}
            drillHref={(f, to) => runsHref(f, to, { tenantId: t.tenantId })} title="Runs per scan type" />
          <DurationHistograms percentiles={data.percentiles} />
          <RebuildChart rebuilds={data.rebuilds} />
        </section>

        <section aria-labelledby="runs-h" className="grid gap-2">
          <h2 id="runs-h" className="text-base font-semibold text-slate-900">Recent runs</h2>
          <Table label="Table, scrolls sideways" testId="ops-tenant-runs" caption={<>The 50 newest runs of this tenant</>}>
            <THead><Th>Started</Th><Th>Project</Th><Th>Scan type</Th><Th>Outcome</Th><Th>Duration</Th><Th>Files</Th></THead>
              <TBody>
                {data.runs.map((r) => (
                  <tr key={r.runId}>
                    <td className="whitespace-nowrap px-3 py-2">{formatUtc(r.startedAt, 'second')}</td>
                    <td className="px-3 py-2">{r.project ?? '—'}</td>
                    <td className="px-3 py-2">{SCAN_TYPE_LABELS[r.kind === 'rebuild' ? 'rebuild' : seriesKey(r.scanType)]}</td>
                    <td className="px-3 py-2">{r.status === 'ok' ? '✓ ok' : `✕ ${r.status}`}</td>
                    <td className="px-3 py-2 tabular-nums">{formatDuration(r.durationMs)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(r.filesScanned)}</td>
                  </tr>
                ))}
                {data.runs.length === 0 && <tr><td colSpan={6} className="px-3 py-6 text-center text-slate-700">No runs recorded.</td></tr>}
              </TBody>
            </Table>
        </section>
      </div>
    </>
  );
}
