// Fleet sync health (ops and admin only; anyone else gets the 404 page). The data is the same as
// GET /api/ops/overview and GET /api/ops/tenants with the same query parameters.
import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header.tsx';
import { HealthBadge } from '@/components/ui/health-badge.tsx';
import { SCAN_TYPE_LABELS, seriesKey } from '@/components/ui/charts/palette.ts';
import { requireOps } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { HEALTH_PRECEDENCE } from '@/lib/sync-health/project-health.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { loadOpsOverview, loadOpsTenants, OpsQueryError } from '@/lib/ops/ops-views.ts';
import { DurationHistograms, opsSummary, RebuildChart, RunsChart } from './ops-charts.tsx';
import { opsHref, runsHref, type OpsParams } from './ops-links.ts';
import { RangeNav } from './range-nav.tsx';
import { TenantsTable } from './tenants-table.tsx';
import { formatCount, formatPercent } from '@/lib/format/plurals.ts';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';
import { Badge } from '@/components/ui/badge.tsx';
import { Card, cardClass } from '@/components/ui/card.tsx';

export const metadata: Metadata = { title: 'Ops' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function Tile({ label, children, testId }: { label: string; children: React.ReactNode; testId: string }) {
  return (
    <Card padding="sm" className="p-4" data-testid={testId}>
      <h3 className="text-xs font-medium uppercase tracking-wide text-slate-700">{label}</h3>
      <div className="mt-2 text-sm text-slate-900">{children}</div>
    </Card>
  );
}

export default async function OpsPage({ searchParams }: Props) {
  await requireOps({ callbackUrl: '/ops' });
  const sp = await searchParams;
  const db = await getDb();
  const now = new Date();
  // Bad parameters are dropped (with a notice), never an error page.
  const params: OpsParams = { range: one(sp.range), q: one(sp.q), sort: one(sp.sort), dir: one(sp.dir), page: one(sp.page) };
  let notice: string | null = null;
  const clean = (p: OpsParams) => Object.fromEntries(Object.entries(p).filter(([, v]) => v)) as Record<string, string>;
  let overview, table;
  try {
    overview = await loadOpsOverview(db, clean({ range: params.range }), now);
  } catch (err) {
    if (!(err instanceof OpsQueryError)) throw err;
    notice = `Ignored: ${err.message}`;
    overview = await loadOpsOverview(db, {}, now);
  }
  try {
    table = await loadOpsTenants(db, clean({ q: params.q, sort: params.sort, dir: params.dir, page: params.page }), now);
  } catch (err) {
    if (!(err instanceof OpsQueryError)) throw err;
    notice = `Ignored: ${err.message}`;
    table = await loadOpsTenants(db, {}, now);
  }
  const range = overview.range;
  const nowIso = now.toISOString();
  const statuses = Object.entries(overview.tenantsByStatus).sort((a, b) => b[1] - a[1]);
  const healths = HEALTH_PRECEDENCE.filter((h) => overview.projectsByHealth[h] > 0);
  return (
    <>
      <PageHeader title="Ops" description="Sync health across every tenant: what needs attention first, then the fleet." actions={<RangeNav current={range} href={(r) => opsHref({ ...params, range: r, page: undefined })} />} />
      {notice && <p role="status" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="ops-notice">{notice}</p>}
      <div className="grid gap-6">
        <section aria-label="Fleet summary" className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
          <Tile label="Tenants by status" testId="tile-tenants">
            {statuses.length ? <ul className="grid gap-0.5">{statuses.map(([s, n]) => <li key={s} className="flex justify-between gap-2"><span>{s}</span><span className="tabular-nums font-medium" data-testid={`tenants-${s}`}>{n}</span></li>)}</ul> : 'No tenants yet.'}
          </Tile>
          <Tile label="Projects by health" testId="tile-health">
            {healths.length ? <ul className="grid gap-1">{healths.map((h) => <li key={h} className="flex items-center justify-between gap-2"><HealthBadge state={h} testId={`health-${h}`} /><span className="tabular-nums font-medium">{overview.projectsByHealth[h]}</span></li>)}</ul> : 'No project has reported a sync yet.'}
          </Tile>
          <Tile label={`Sync runs, last ${range}`} testId="tile-runs">
            <p className="text-2xl font-semibold tabular-nums" data-testid="runs-total">{formatCount(overview.runs.total)}</p>
            <p data-testid="runs-failed">{formatCount(overview.runs.failed)} failed ({formatPercent(overview.runs.failedShare)})</p>
          </Tile>
          <Tile label="Rebuild duration p95" testId="tile-rebuild">
            <p className="text-2xl font-semibold tabular-nums">{overview.rebuildP95Ms == null ? '—' : formatDuration(overview.rebuildP95Ms)}</p>
            <p className="text-xs text-slate-700">{overview.rebuildP95Ms == null ? 'No rebuild in this range.' : 'approximate (±2.5 %)'}</p>
          </Tile>
        </section>

        <section aria-labelledby="pct-h" className="grid gap-2">
          <h2 id="pct-h" className="text-base font-semibold text-slate-900">Sync duration per scan type</h2>
          <Table label="Table, scrolls sideways" testId="ops-percentiles" caption={<>Duration percentiles per scan type, last {range}</>}>
            <THead><Th>Scan type</Th><Th>Runs</Th><Th>Failed</Th><Th>p50</Th><Th>p95</Th><Th>p99</Th><Th>Max</Th></THead>
              <TBody>
                {overview.percentiles.map((p) => (
                  <tr key={p.scanType} data-testid={`pct-${p.scanType}`}>
                    <td className="px-3 py-2">{SCAN_TYPE_LABELS[seriesKey(p.scanType)]}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(p.runs)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(p.failed)}</td>
                    <td className="px-3 py-2 tabular-nums">≈ {formatDuration(p.p50Ms)}</td>
                    <td className="px-3 py-2 tabular-nums">≈ {formatDuration(p.p95Ms)}</td>
                    <td className="px-3 py-2 tabular-nums">≈ {formatDuration(p.p99Ms)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatDuration(p.maxMs)}</td>
                  </tr>
                ))}
                {overview.percentiles.length === 0 && <tr><td colSpan={7} className="px-3 py-6 text-center text-slate-700">No runs in this range.</td></tr>}
              </TBody>
            </Table>
          <p className="text-xs text-slate-700">Percentiles (≈) come from hourly roll-ups with log-spaced buckets: each is within ±2.5 % of the exact nearest-rank value. Counts are exact.</p>
        </section>

        <section aria-labelledby="attention-h" className="grid gap-2">
          <h2 id="attention-h" className="text-base font-semibold text-slate-900">Needs attention <span className="font-normal text-slate-700">({overview.needsAttention.length})</span></h2>
          {overview.needsAttention.length ? (
            <ol className={cardClass({ padding: 'none', className: 'divide-y divide-slate-100' })} data-testid="needs-attention">
              {overview.needsAttention.map((a) => (
                <li key={a.tenantId} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="attention-item" data-reason={a.reason} data-tenant-id={a.tenantId}>
                  <Link href={`/ops/tenants/${a.tenantId}`} className="font-medium text-brand-700 underline">{a.ownerEmail ?? a.name}</Link>
                  <Badge tone="danger">{a.label}</Badge>
                </li>
              ))}
            </ol>
          ) : <p className={cardClass({ dashed: true, className: 'text-sm text-slate-700' })} data-testid="needs-attention-empty">Nothing needs attention.</p>}
        </section>

        <section aria-labelledby="charts-h" className="grid gap-4">
          <h2 id="charts-h" className="text-base font-semibold text-slate-900">Last {range}</h2>
          <p className="text-sm text-slate-800" data-testid="ops-summary">{opsSummary(range, overview.percentiles, overview.rebuilds)}</p>
          <RunsChart series={overview.series} from={overview.from} to={overview.to} bucket={overview.bucket} drillHref={(f, t) => runsHref(f, t)} />
          <DurationHistograms percentiles={overview.percentiles} />
          <RebuildChart rebuilds={overview.rebuilds} />
        </section>

        <TenantsTable data={table} range={range} now={nowIso} mcp={table.mcp_24h} />
      </div>
    </>
  );
}
