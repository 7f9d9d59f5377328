// Snapshots: the tenant's snapshots (scheduled and manual) with time, kind, description, size added and file count;
// take one now; open one to browse and restore. Read from Postgres (the records); the same data is
// GET /api/bucket-snapshots (upstream's API, also the BFF route of this page).
import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { Time } from '@/components/time.tsx';
import { CreateSnapshotForm } from '@/components/snapshots/create-snapshot-form.tsx';
import { DeleteSnapshotButton } from '@/components/snapshots/delete-snapshot-button.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { listTenantSnapshots } from '@/lib/db/queries/snapshot-runs.ts';
import { formatBytes } from '@/lib/format/sizes.ts';
import { snapshotResponse } from '@/lib/snapshots/snapshot-shapes.ts';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table.tsx';
import { plural } from '@/lib/format/plurals.ts';

export const metadata: Metadata = { title: 'Snapshots' };
export const dynamic = 'force-dynamic';

export default async function SnapshotsPage() {
  const { tenant } = await requireTenant(undefined, { callbackUrl: '/snapshots' });
  const rows = (await listTenantSnapshots(await getDb(), tenant.id)).map((r) => snapshotResponse(r, tenant.bucketName));
  const c = getConfig().snapshots;
  const every = c.intervalMs >= 3_600_000 ? `${c.intervalMs / 3_600_000} h` : `${c.intervalMs / 60_000} min`;
  return (
    <>
      <PageHeader title="Snapshots"
        description={`Your files are snapshotted every ${every} (kept hourly for ${c.keepHourlyHours} h, daily for ${c.keepDailyDays} days, weekly for ${c.keepWeeklyWeeks} weeks); snapshots you take yourself stay until you delete them. Open one to restore a note, a folder or a whole project.`} />
      <CreateSnapshotForm />
      {rows.length === 0 ? (
        <EmptyState testId="snapshots-empty" title="No snapshots yet" icon="📸">
          The first scheduled snapshot is taken within the hour; take one now with a description to mark a moment.
        </EmptyState>
      ) : (
        <Table testId="snapshots-table" caption="Snapshots, newest first">
          <THead>
            <Th>Snapshot</Th>
            <Th className="hidden sm:table-cell">Kind</Th>
            <Th className="hidden md:table-cell">Files</Th>
            <Th className="hidden md:table-cell">Size added</Th>
            <Th><span className="sr-only">Actions</span></Th>
          </THead>
          <TBody>
              {rows.map((s) => (
                <tr key={s.id} data-testid="snapshot-row" data-snapshot-id={s.id} >
                  <Td className="py-3">
                    <Link href={`/snapshots/${s.id}`} className="font-medium text-sky-800 underline-offset-2 hover:underline [overflow-wrap:anywhere]" data-testid="snapshot-open">
                      <Time iso={s.created_at} />
                    </Link>
                    <p className="mt-0.5 text-xs text-slate-600 [overflow-wrap:anywhere]" data-testid="snapshot-description">
                      {s.description ?? (s.auto ? 'Scheduled snapshot' : 'Manual snapshot')}
                    </p>
                    <p className="mt-0.5 text-xs text-slate-600 md:hidden">
                      <span className="sm:hidden">{s.auto ? 'Scheduled' : 'Manual'} · </span>{plural(s.files ?? 0, 'file')} · {formatBytes(s.bytes_added)} added
                    </p>
                  </Td>
                  <Td className="hidden py-3 text-slate-700 sm:table-cell" data-testid="snapshot-kind">{s.auto ? 'Scheduled' : 'Manual'}</Td>
                  <Td className="hidden py-3 text-slate-700 md:table-cell" data-testid="snapshot-files">{s.files ?? 0}</Td>
                  <Td className="hidden py-3 text-slate-700 md:table-cell">{formatBytes(s.bytes_added)}</Td>
                  <Td className="py-3 text-right"><DeleteSnapshotButton id={s.id} label={s.description ?? s.name} /></Td>
                </tr>
              ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
