// A note's history, newest first: the versions kept at each write through the API, MCP or WebDAV (what the file
// held before an edit, overwrite, move, delete or restore, and who wrote) and its distinct versions across the
// snapshots; a readable diff between any two (or a version and the current file; ?from=<id>&to=<id|current>, where
// an id is a snapshot id or `w-<version id>`), and "restore this version" (a write version: the tenant's atomic
// write, keeping the current content as a version; a snapshot version: the current file goes to the trash first).
// BFF: GET /api/tenant/note-history?key=…, /api/bucket-snapshots/{id}/file, POST /api/tenant/note-history/restore.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NotesBreadcrumbs } from '@/components/notes/breadcrumbs.tsx';
import { Time } from '@/components/time.tsx';
import { RestoreButton } from '@/components/snapshots/restore-button.tsx';
import { WriteRestoreButton } from '@/components/snapshots/write-restore-button.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { isSafeRel, notesHref, relFromSegments } from '@/lib/notes/note-paths.ts';
import { listProjects, readFile } from '@/lib/notes/tenant-notes.ts';
import { formatBytes } from '@/lib/format/sizes.ts';
import { lineDiff } from '@/lib/snapshots/line-diff.ts';
import { noteHistory, readSnapshotFile, type NoteVersion } from '@/lib/snapshots/snapshot-service.ts';
import { readWriteVersion, writeVersions, type WriteVersion } from '@/lib/snapshots/write-history.ts';
import { Notice } from '@/components/ui/notice.tsx';
import { cardClass } from '@/components/ui/card.tsx';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; path: string[] }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `History of ${relFromSegments(p.path).split('/').pop() ?? 'note'}` };
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const REASON_WORDS: Record<WriteVersion['reason'], string> = { edit: 'edit', overwrite: 'overwrite', move: 'move', delete: 'delete', restore: 'restore' };

/** One row of the history: a version kept at a write, or a snapshot's version. */
type Entry = { id: string; time: string } & ({ kind: 'write'; w: WriteVersion } | { kind: 'snapshot'; s: NoteVersion });

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
  let writes: WriteVersion[] = [];
  let problem: string | null = null;
  const said = (err: unknown, what: string) => (err instanceof HttpError ? String(err.message) : `${what} could not be read.`);
  await Promise.all([
    noteHistory(db, tenant.id, key).then((v) => { versions = v; }, (err: unknown) => { problem = said(err, 'The snapshot history'); }),
    writeVersions(tenant.id, key).then((w) => { writes = w; }, (err: unknown) => { problem = said(err, 'The write history'); }),
  ]);
  const entries: Entry[] = [
    ...writes.map((w): Entry => ({ id: `w-${w.id}`, time: w.saved_at, kind: 'write', w })),
    ...versions.map((v): Entry => ({ id: v.snapshot_id, time: v.snapshot_time, kind: 'snapshot', s: v })),
  ].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  const current = await readFile(tenant.id, project, rel).catch(() => null);
  const text = async (id: string): Promise<string | null> => {
    if (id === 'current') return current ? current.bytes.toString('utf8') : null;
    const read = id.startsWith('w-') ? readWriteVersion(tenant.id, key, id.slice(2)) : readSnapshotFile(db, tenant.id, id, key);
    return read.then((b) => b.toString('utf8')).catch(() => null);
  };
  const ids = new Set(entries.map((e) => e.id));
  const pick = (raw: string | undefined, fallback: string | undefined) => (raw && (raw === 'current' || ids.has(raw)) ? raw : fallback);
  const from = pick(one(sp.from), entries[0]?.id);
  const to = pick(one(sp.to), current ? 'current' : entries[1]?.id);
  const diff = from && to && from !== to ? await Promise.all([text(from), text(to)]).then(([a, b]) => (a != null && b != null ? lineDiff(a, b) : null)) : null;
  const label = (id: string | undefined) => (id === 'current' ? 'the current file' : entries.find((e) => e.id === id)?.time);
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
      {problem === null && entries.length === 0 && (
        <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="history-empty">No earlier version yet: a version is kept each time the note is changed, moved or deleted, and snapshots are taken every hour, or now from <Link href="/snapshots" className="text-sky-800 underline">Snapshots</Link>.</p>
      )}
      {entries.length > 0 && (
        <ol className={cardClass({ padding: 'none', className: 'divide-y divide-slate-100' })} data-testid="history-versions">
          {current && (
            <li className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid="history-current">
              <span className="font-medium text-slate-900">Current version <span className="text-xs font-normal text-slate-600">· {formatBytes(current.size)}</span></span>
              {entries[0] && <Link href={href(entries[0].id, 'current')} className="text-sm text-sky-800 underline">Compare with the newest version</Link>}
            </li>
          )}
          {entries.map((e, i) => (
            <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid={e.kind === 'write' ? 'history-write-version' : 'history-version'}
              data-snapshot-id={e.kind === 'snapshot' ? e.id : undefined} data-version-id={e.kind === 'write' ? e.w.id : undefined} data-reason={e.kind === 'write' ? e.w.reason : undefined}>
              {e.kind === 'write' ? (
                <span className="min-w-0">
                  <span className="font-medium text-slate-900">Before the {REASON_WORDS[e.w.reason]} of <Time iso={e.w.saved_at} /></span>
                  <span className="block text-xs text-slate-600" data-testid="history-write-detail">
                    by {e.w.actor}{e.w.moved_to ? ` · moved to ${e.w.moved_to}` : ''} · {formatBytes(e.w.size)}
                  </span>
                </span>
              ) : (
                <span className="min-w-0">
                  <span className="font-medium text-slate-900">Version of <Time iso={e.s.mtime} /></span>
                  <span className="block text-xs text-slate-600">
                    in the snapshot of <Time iso={e.s.snapshot_time} />{e.s.description ? ` (“${e.s.description}”)` : ''} · {formatBytes(e.s.size)}
                  </span>
                </span>
              )}
              <span className="flex flex-wrap items-center gap-2 text-sm">
                {current && <Link href={href(e.id, 'current')} className="text-sky-800 underline" data-testid="history-compare-current">Compare with current</Link>}
                {entries[i + 1] && <Link href={href(entries[i + 1]!.id, e.id)} className="text-sky-800 underline">Compare with older</Link>}
                {e.kind === 'write'
                  ? <WriteRestoreButton fileKey={key} version={e.w.id} savedAt={e.w.saved_at} actor={e.w.actor} label={rel.split('/').pop()!} />
                  : <RestoreButton snapshotId={e.id} snapshotTime={e.s.snapshot_time} kind="file" path={key} files={1} label={rel.split('/').pop()!} trashDays={days} />}
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
