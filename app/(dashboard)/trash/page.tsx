// Trash: notes, files and projects deleted through the API, restorable until they expire. Loaded on the server
// through the tenant proxy (lib/tenants/tenant-trash.ts); the same data is GET /api/tenant/trash.
import type { Metadata } from 'next';
import { EmptyState } from '@/components/empty-state.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { Time } from '@/components/time.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { listTrash, type TrashList } from '@/lib/tenants/tenant-trash.ts';
import { TrashActions } from './trash-actions.tsx';
import { formatBytes } from '@/lib/format/sizes.ts';

export const metadata: Metadata = { title: 'Trash' };
export const dynamic = 'force-dynamic';

const KIND_LABEL = { note: 'Note', file: 'File', project: 'Project' } as const;

export default async function TrashPage() {
  const { tenant } = await requireTenant(undefined, { callbackUrl: '/trash' });
  let trash: TrashList | null = null;
  let problem: string | null = null;
  try {
    trash = await listTrash(tenant.id);
  } catch (err) {
    problem = err instanceof HttpError ? String(err.message) : 'The trash could not be read.';
  }
  const days = trash?.retention_days ?? 30;
  return (
    <>
      <PageHeader title="Trash" description={`Notes, files and projects you deleted stay here for ${days} days; restore them to where they were.`} />
      {problem !== null ? (
        <Notice tone="warning" testId="trash-unavailable">
          Your tenant is not reachable right now, so the trash cannot be shown. {problem}
        </Notice>
      ) : trash!.items.length === 0 ? (
        <EmptyState testId="trash-empty" title="The trash is empty" icon="🗑">
          What you delete through the API or the CLI comes here first and can be restored for {days} days.
        </EmptyState>
      ) : (
        <Table testId="trash-table" caption="Deleted items, newest first">
          <THead>
            <Th>Item</Th>
            <Th className="hidden sm:table-cell">Kind</Th>
            <Th className="hidden md:table-cell">Deleted</Th>
            <Th className="hidden md:table-cell">Deleted for good</Th>
            <Th><span className="sr-only">Actions</span></Th>
          </THead>
          <TBody>
            {trash!.items.map((it) => (
              <tr key={it.id} data-testid="trash-item" data-trash-id={it.id}>
                <Td>
                  <p className="font-medium text-slate-900 [overflow-wrap:anywhere]">{it.title ?? it.path}</p>
                  <p className="mt-0.5 text-xs text-slate-600">
                    <span className="sm:hidden">{KIND_LABEL[it.kind]} · </span>
                    <span className="[overflow-wrap:anywhere]">{it.project} / {it.path}</span> · <span className="whitespace-nowrap">{formatBytes(it.size)}</span>
                  </p>
                </Td>
                <Td className="hidden text-slate-700 sm:table-cell">{KIND_LABEL[it.kind]}</Td>
                <Td className="hidden text-slate-700 md:table-cell"><Time iso={it.deleted_at} /></Td>
                <Td className="hidden text-slate-700 md:table-cell"><Time iso={it.expires_at} /></Td>
                <Td><TrashActions id={it.id} label={it.title ?? it.path} /></Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
