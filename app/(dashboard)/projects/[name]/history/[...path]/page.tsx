// A note's history: its distinct versions across the snapshots (newest first), a readable diff between any two
// (or a version and the current file; ?from=<snapshot id>&to=<snapshot id|current>), and "restore this version"
// (the current file goes to the trash first). BFF: GET /api/tenant/note-history?key=…, /api/bucket-snapshots/{id}/file.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NotesBreadcrumbs } from '@/components/notes/breadcrumbs.tsx';
import { Time } from '@/components/time.tsx';
import { RestoreButton } from '@/components/snapshots/restore-button.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { isSafeRel, notesHref, relFromSegments } from '@/lib/notes/note-paths.ts';
import { listProjects, readFile } from '@/lib/notes/tenant-notes.ts';
import { formatBytes } from '@/lib/format/sizes.ts';
import { lineDiff } from '@/lib/snapshots/line-diff.ts';
import { noteHistory, readSnapshotFile, type NoteVersion } from '@/lib/snapshots/snapshot-service.ts';
import { Notice } from '@/components/ui/notice.tsx';
import { cardClass } from '@/components/ui/card.tsx';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; path: string[] }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `History of ${relFromSegments(p.path).split('/').pop() ?? 'note'}` };
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function NoteHistoryPage({ params, searchParams }: Props) {
  const p = await params;
  const project = relFromSegments([p.name]);
  const rel = relFromSegments(p.path);
  const sp = await searchParams;
  const self = `/projects/${encodeURIComponent(project)}/history/${rel.split('/').map(encodeURIComponent).join('/')}`;
  const { tenant } = await requireTenant(undefined, { callbackUrl: self });
  if (!isSafeRel(rel)) notFound();
  const proj = (await listProjects(tenant.id)).projects.find((x) => x.name === project);
  if (!proj) notFound();
  const key = `${proj.path.replace(/^\/+|\/+$/g, '')}/${rel}`;
  const db = await getDb();
  let versions: NoteVersion[] = [];
  let problem: string | null = null;
  try {
    versions = await noteHistory(db, tenant.id, key);
  } catch (err) {
    problem = err instanceof HttpError ? String(err.message) : 'The history could not be read.';
  }
  const current = await readFile(tenant.id, project, rel).catch(() => null);
  const text = async (id: string): Promise<string | null> => {
    if (id === 'current') return current ? current.bytes.toString('utf8') : null;
    return readSnapshotFile(db, tenant.id, id, key).then((b) => b.toString('utf8')).catch(() => null);
  };
  const ids = new Set(versions.map((v) => v.snapshot_id));
  const pick = (raw: string | undefined, fallback: string | undefined) => (raw && (raw === 'current' || ids.has(raw)) ? raw : fallback);
  const from = pick(one(sp.from), versions[0]?.snapshot_id);
  const to = pick(one(sp.to), current ? 'current' : versions[1]?.snapshot_id);
  const diff = from && to && from !== to ? await Promise.all([text(from), text(to)]).then(([a, b]) => (a != null && b != null ? lineDiff(a, b) : null)) : null;
  const label = (id: string | undefined) => (id === 'current' ? 'the current file' : versions.find((v) => v.snapshot_id === id)?.snapshot_time);
  const days = getConfig().tenants.trashRetentionDays;
  const href = (f: string, t: string) => `${self}?from=${encodeURIComponent(f)}&to=${encodeURIComponent(t)}`;

  return (
    <div className="flex flex-col gap-4">
      <NotesBreadcrumbs project={project} rel={rel} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="break-words text-2xl font-semibold tracking-tight text-slate-900" data-testid="history-title">History of {rel.split('/').pop()}</h1>
        {current && <Link href={notesHref(project, rel)} className="text-sm text-sky-800 underline-offset-2 hover:underline">Back to the note</Link>}
      </div>
      {problem !== null && <Notice tone="warning">{problem}</Notice>}
      {problem === null && versions.length === 0 && (
        <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="history-empty">No snapshot holds this note yet. Snapshots are taken every hour, or now from <Link href="/snapshots" className="text-sky-800 underline">Snapshots</Link>.</p>
      )}
      {versions.length > 0 && (
        <ol className={cardClass({ padding: 'none', className: 'divide-y divide-slate-100' })} data-testid="history-versions">
          {current && (
            <li className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid="history-current">
              <span className="font-medium text-slate-900">Current version <span className="text-xs font-normal text-slate-600">· {formatBytes(current.size)}</span></span>
              {versions[0] && <Link href={href(versions[0].snapshot_id, 'current')} className="text-sm text-sky-800 underline">Compare with the newest snapshot</Link>}
            </li>
          )}
          {versions.map((v, i) => (
            <li key={v.snapshot_id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid="history-version" data-snapshot-id={v.snapshot_id}>
              <span className="min-w-0">
                <span className="font-medium text-slate-900">Version of <Time iso={v.mtime} /></span>
                <span className="block text-xs text-slate-600">
                  in the snapshot of <Time iso={v.snapshot_time} />{v.description ? ` (“${v.description}”)` : ''} · {formatBytes(v.size)}
                </span>
              </span>
              <span className="flex flex-wrap items-center gap-2 text-sm">
                {current && <Link href={href(v.snapshot_id, 'current')} className="text-sky-800 underline" data-testid="history-compare-current">Compare with current</Link>}
                {versions[i + 1] && <Link href={href(versions[i + 1]!.snapshot_id, v.snapshot_id)} className="text-sky-800 underline">Compare with older</Link>}
                <RestoreButton snapshotId={v.snapshot_id} snapshotTime={v.snapshot_time} kind="file" path={key} files={1} label={rel.split('/').pop()!} trashDays={days} />
              </span>
            </li>
          ))}
        </ol>
      )}
      {diff && (
        <section className={cardClass({ padding: 'none' })} data-testid="history-diff" aria-labelledby="diff-title">
          <h2 id="diff-title" className="border-b border-slate-100 px-4 py-2 text-sm font-semibold text-slate-900">
            Changes from {from === 'current' ? 'the current file' : <Time iso={label(from)!} />} to {to === 'current' ? 'the current file' : <Time iso={label(to)!} />}:
            <span className="ml-2 font-normal text-emerald-800" data-testid="diff-added">{diff.added} added</span>,
            <span className="ml-1 font-normal text-rose-800" data-testid="diff-removed">{diff.removed} removed</span>
          </h2>
          <pre className="overflow-x-auto p-2 text-xs leading-5"><code>
            {diff.lines.map((l, i) => l.kind === 'fold'
              ? <span key={i} className="block px-2 text-slate-500">⋯ {l.count} unchanged line{l.count === 1 ? '' : 's'}</span>
              : <span key={i} data-diff={l.kind} className={`block whitespace-pre-wrap px-2 ${l.kind === 'add' ? 'bg-emerald-50 text-emerald-900' : l.kind === 'del' ? 'bg-rose-50 text-rose-900' : 'text-slate-700'}`}>
                  <span aria-hidden="true">{l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}</span>
                  {l.kind !== 'same' && <span className="sr-only">{l.kind === 'add' ? 'added: ' : 'removed: '}</span>}
                  {l.text || ' '}
                </span>)}
          </code></pre>
        </section>
      )}
    </div>
  );
}
