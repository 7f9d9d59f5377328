// The fleet's tenants table: server-sorted, searched and paginated (GET /api/ops/tenants returns the same page).
import Link from 'next/link';
import { TenantStatusBadge } from '@/components/status-badge.tsx';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import type { OpsTenantsPage, OpsTenantSort } from '@/lib/db/queries/ops-fleet.ts';
import type { TenantDto } from '@/lib/tenants/dto.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { opsHref } from './ops-links.ts';
import { Badge } from '@/components/ui/badge.tsx';
import { Button } from '@/components/ui/button.tsx';
import { Input } from '@/components/ui/field.tsx';
import { Table, TBody, Th, THead } from '@/components/ui/table.tsx';
import { plural } from '@/lib/format/plurals.ts';

const COLUMNS: Array<{ key: OpsTenantSort; label: string }> = [
  { key: 'owner', label: 'Owner' }, { key: 'status', label: 'Status' }, { key: 'projects', label: 'Projects' },
  { key: 'last_ok', label: 'Last successful sync' }, { key: 'last_rebuild', label: 'Last rebuild' },
  { key: 'late', label: 'Late / failing' }, { key: 'crashes', label: 'Crashes' }, { key: 'last_reported', label: 'Last reported' },
];

export function TenantsTable({ data, range, now, mcp = {} }: { data: OpsTenantsPage; range: string; now: string; mcp?: Record<string, { calls: number; errors: number }> }) {
  const { query } = data;
  const base = { range, q: query.q || undefined, sort: query.sort, dir: query.dir };
  const never = <span className="text-slate-600">never</span>;
  return (
    <section aria-labelledby="tenants-h" className="grid gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="tenants-h" className="text-base font-semibold text-slate-900">Tenants</h2>
        <form method="get" action="/ops" role="search" className="flex gap-2">
          <input type="hidden" name="range" value={range} />
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          <label className="sr-only" htmlFor="ops-q">Search tenants</label>
          <Input id="ops-q" name="q" defaultValue={query.q} placeholder="Owner, name, id or status" data-testid="ops-search" className="w-56 py-1.5" />
          <Button type="submit" variant="primary">Search</Button>
        </form>
      </div>
      <p className="text-xs text-slate-700" data-testid="ops-tenant-count">{plural(data.total, 'tenant')}{query.q ? ` match “${query.q}”` : ''} · page {data.page} of {data.pages}</p>
      <Table label="Table, scrolls sideways" testId="ops-tenants" caption={<>Tenants, sorted by {COLUMNS.find((c) => c.key === query.sort)?.label} {query.dir === 'asc' ? 'ascending' : 'descending'}</>}>
            <THead>
                {COLUMNS.map((c) => {
                  const active = query.sort === c.key;
                  const dir = active && query.dir === 'asc' ? 'desc' : 'asc';
                  return (
                    <Th key={c.key} className="whitespace-nowrap" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                      <Link href={opsHref({ ...base, sort: c.key, dir })} className="hover:underline" data-testid={`sort-${c.key}`}>
                        {c.label}{active ? (query.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </Link>
                    </Th>
                  );
                })}
                <Th className="whitespace-nowrap">MCP calls / errors (24 h)</Th>
            </THead>
            <TBody>
              {data.rows.map((t) => (
                <tr key={t.tenantId} data-testid="ops-tenant-row" data-tenant-id={t.tenantId}>
                  <td className="px-3 py-2">
                    <Link href={`/ops/tenants/${t.tenantId}`} className="font-medium text-brand-700 underline" data-testid="ops-owner">{t.ownerEmail ?? t.name}</Link>
                    <div className="font-mono text-xs text-slate-600">{t.tenantId.slice(0, 8)}</div>
                  </td>
                  <td className="px-3 py-2"><TenantStatusBadge status={t.status as TenantDto['status']} />{t.desiredState === 'stopped' && <span className="ml-1 text-xs text-slate-600">(stopped on purpose)</span>}</td>
                  <td className="px-3 py-2 tabular-nums">{t.projects}</td>
                  <td className="whitespace-nowrap px-3 py-2">{t.lastOkAt ? <RelativeTime iso={t.lastOkAt.toISOString()} now={now} /> : never}</td>
                  <td className="whitespace-nowrap px-3 py-2">{t.lastRebuildAt ? <><RelativeTime iso={t.lastRebuildAt.toISOString()} now={now} /> · {formatDuration(t.lastRebuildMs ?? 0)}</> : never}</td>
                  <td className="px-3 py-2 tabular-nums">{t.lateOrFailing}</td>
                  <td className="px-3 py-2 tabular-nums">{t.crashes}</td>
                  <td className="whitespace-nowrap px-3 py-2" data-testid="ops-last-reported">
                    {t.lastReportedAt ? <RelativeTime iso={t.lastReportedAt.toISOString()} now={now} /> : never}
                    {t.stale && <Badge tone="warning" className="ml-1">stopped reporting</Badge>}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums" data-testid="ops-mcp-calls">
                    {mcp[t.tenantId] ? <>{mcp[t.tenantId]!.calls} / <span className={mcp[t.tenantId]!.errors ? 'font-medium text-rose-800' : ''}>{mcp[t.tenantId]!.errors}</span></> : <span className="text-slate-600">none</span>}
                  </td>
                </tr>
              ))}
              {data.rows.length === 0 && <tr><td colSpan={COLUMNS.length + 1} className="px-4 py-8 text-center text-slate-700">{query.q ? 'No tenant matches.' : 'No tenants yet.'}</td></tr>}
            </TBody>
      </Table>
      {data.pages > 1 && (
        <nav aria-label="Tenant pages" className="flex justify-between text-sm">
          {data.page > 1 ? <Link data-testid="ops-page-prev" className="text-brand-700 underline" href={opsHref({ ...base, page: String(data.page - 1) })}>← Previous</Link> : <span />}
          {data.page < data.pages ? <Link data-testid="ops-page-next" className="text-brand-700 underline" href={opsHref({ ...base, page: String(data.page + 1) })}>Next →</Link> : <span />}
        </nav>
      )}
    </section>
  );
}
