// One snapshot as a folder tree (one level per page: ?dir=main/research): subfolders with their file counts, files
// with sizes; restore a file, a folder or a whole project, to its place or as a copy, after a confirmation that
// names what will change. Data: GET /api/bucket-snapshots/{id}/browse (the BFF route of this view).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/page-header.tsx';
import { Time } from '@/components/time.tsx';
import { RestoreButton } from '@/components/snapshots/restore-button.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { getTenantSnapshot } from '@/lib/db/queries/snapshot-runs.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { formatBytes } from '@/lib/format/sizes.ts';
import { browseSnapshot } from '@/lib/snapshots/snapshot-service.ts';
import type { BrowseFile } from '@/lib/snapshots/snapshot-shapes.ts';
import { folderLevel } from '@/lib/snapshots/snapshot-tree.ts';
import { cardClass } from '@/components/ui/card.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export const metadata: Metadata = { title: 'Snapshot' };
export const dynamic = 'force-dynamic';

function cleanDir(raw: string | string[] | undefined): string {
  const s = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  return s.split('/').filter((p) => p && p !== '.' && p !== '..').join('/');
}

export default async function SnapshotPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const dir = cleanDir((await searchParams).dir);
  const { tenant } = await requireTenant(undefined, { callbackUrl: `/snapshots/${encodeURIComponent(id)}` });
  const db = await getDb();
  const snap = await getTenantSnapshot(db, tenant.id, id);
  if (!snap) notFound();
  let files: BrowseFile[] = [];
  let problem: string | null = null;
  try {
    files = (await browseSnapshot(db, tenant.id, id, dir ? dir + '/' : '')).files;
  } catch (err) {
    problem = err instanceof HttpError ? String(err.message) : 'The snapshot could not be read.';
  }
  const level = folderLevel(files, dir);
  const when = snap.startedAt.toISOString();
  const days = getConfig().tenants.trashRetentionDays;
  const crumbs = dir ? dir.split('/') : [];
  const href = (d: string) => `/snapshots/${id}${d ? `?dir=${encodeURIComponent(d)}` : ''}`;
  const common = { snapshotId: id, snapshotTime: when, trashDays: days };
  return (
    <>
      <PageHeader title={snap.description ?? (snap.kind === 'scheduled' ? 'Scheduled snapshot' : 'Manual snapshot')}
        description={<>Taken <Time iso={when} /> · {snap.files ?? 0} files · {formatBytes(snap.bytesAdded)} added</>}
        actions={<Link href="/snapshots" className="text-sm text-sky-800 underline-offset-2 hover:underline">All snapshots</Link>} />
      <nav aria-label="Folder" className="mb-3 flex flex-wrap items-center gap-1 text-sm" data-testid="snapshot-breadcrumbs">
        <Link href={href('')} className="text-sky-800 underline-offset-2 hover:underline">All projects</Link>
        {crumbs.map((c, i) => (
          <span key={i} className="flex items-center gap-1">
            <span aria-hidden="true" className="text-slate-400">/</span>
            {i === crumbs.length - 1 ? <span aria-current="page" className="font-medium text-slate-900 [overflow-wrap:anywhere]">{c}</span>
              : <Link href={href(crumbs.slice(0, i + 1).join('/'))} className="text-sky-800 underline-offset-2 hover:underline [overflow-wrap:anywhere]">{c}</Link>}
          </span>
        ))}
      </nav>
      {problem !== null ? (
        <Notice tone="warning" testId="snapshot-unavailable">{problem}</Notice>
      ) : (
        <>
          {dir && level.total > 0 && (
            <div className="mb-3 flex flex-wrap items-center justify-between gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">
              <span>{level.total} files in this {crumbs.length === 1 ? 'project' : 'folder'}</span>
              <RestoreButton {...common} kind={crumbs.length === 1 ? 'project' : 'folder'} path={dir} files={level.total} label={crumbs.at(-1)!} />
            </div>
          )}
          <ul className={cardClass({ padding: 'none', className: 'divide-y divide-slate-100' })} data-testid="snapshot-tree">
            {level.folders.length === 0 && level.files.length === 0 && <li className="px-4 py-3 text-sm text-slate-600" data-testid="snapshot-tree-empty">Nothing here in this snapshot.</li>}
            {level.folders.map((f) => (
              <li key={f.key} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid="snapshot-folder" data-key={f.key}>
                <Link href={href(f.key)} className="min-w-0 font-medium text-sky-800 underline-offset-2 hover:underline [overflow-wrap:anywhere]">
                  <span aria-hidden="true">📁 </span>{f.name}
                </Link>
                <span className="flex items-center gap-3 text-xs text-slate-600">
                  <span>{f.files} files · {formatBytes(f.bytes)}</span>
                  <RestoreButton {...common} kind={dir ? 'folder' : 'project'} path={f.key} files={f.files} label={f.name} />
                </span>
              </li>
            ))}
            {level.files.map((f) => (
              <li key={f.key} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid="snapshot-file" data-key={f.key}>
                <span className="min-w-0 text-slate-900 [overflow-wrap:anywhere]"><span aria-hidden="true">📄 </span>{f.name}</span>
                <span className="flex items-center gap-3 text-xs text-slate-600">
                  <span>{formatBytes(f.size)}</span>
                  <RestoreButton {...common} kind="file" path={f.key} files={1} label={f.name} />
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
