// One path of a project: a note (rendered markdown, frontmatter, observations, links, backlinks; ?edit=1
// opens the source editor), another file (size, type, download), or a folder (its entries).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NotesBreadcrumbs } from '@/components/notes/breadcrumbs.tsx';
import { NOTE_PAGE_MAX_ENTRIES, TreePanel } from '@/components/notes/folder-tree.tsx';
import { NewNoteForm } from '@/components/notes/new-note-form.tsx';
import { NoteActions } from '@/components/notes/note-actions.tsx';
import { NoteEditor } from '@/components/notes/note-editor.tsx';
import { BacklinksList, FrontmatterPanel, NoteBody, ObservationsList, RelationsList, TagChip } from '@/components/notes/note-sections.tsx';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { SearchShortcut } from '@/components/notes/search-shortcut.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { isSafeRel, notesHref, relFromSegments } from '@/lib/notes/note-paths.ts';
import { loadNotePage, type PathView, type ProjectTree } from '@/lib/notes/note-view.ts';
import { TenantNotesError } from '@/lib/notes/tenant-notes.ts';
import { NotesUnavailable, NotIndexedYet } from '../notes-states.tsx';
import { formatBytes } from '@/lib/format/sizes.ts';
import { formatCount } from '@/lib/format/plurals.ts';
import { cardClass } from '@/components/ui/card.tsx';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; path: string[] }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  const rel = relFromSegments(p.path);
  return { title: rel.split('/').pop()?.replace(/\.md$/i, '') || 'Notes' };
}

export default async function NotePathPage({ params, searchParams }: Props) {
  const p = await params;
  const project = relFromSegments([p.name]);
  const rel = relFromSegments(p.path);
  const editing = (await searchParams).edit === '1';
  const now = new Date().toISOString();
  const { tenant } = await requireTenant(undefined, { callbackUrl: notesHref(project, rel) });
  if (!isSafeRel(rel)) notFound();

  let pt: ProjectTree;
  let view: PathView | null;
  try {
    ({ pt, view } = await loadNotePage(tenant.id, project, rel));
    if (pt.index.state === 'not_indexed') {
      return (<div className="flex flex-col gap-4"><NotesBreadcrumbs project={project} rel={rel} /><NotIndexedYet index={pt.index} /></div>);
    }
  } catch (e) {
    if (e instanceof TenantNotesError && (e.status === 404 || e.status === 400)) notFound();
    return (<div className="flex flex-col gap-4"><NotesBreadcrumbs project={project} rel={rel} /><NotesUnavailable message={e instanceof TenantNotesError ? e.message : 'This note could not be loaded.'} /></div>);
  }
  if (!view) notFound();

  return (
    <div className="flex flex-col gap-4">
      <SearchShortcut project={project} />
      <NotesBreadcrumbs project={project} rel={view.kind === 'folder' ? view.dirPath : view.filePath} />
      <div className="grid gap-4 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <div className="min-w-0"><TreePanel project={project} tree={pt.tree} current={view.kind === 'folder' ? view.dirPath : view.filePath} onPhones={view.kind === 'folder'}
          maxEntries={view.kind === 'folder' ? undefined : NOTE_PAGE_MAX_ENTRIES} /></div>
        <div className="flex min-w-0 flex-col gap-4">
          {view.kind === 'folder' && (
            <>
              <h1 className="text-2xl font-semibold tracking-tight text-slate-900" data-testid="folder-title">{rel.split('/').pop()}</h1>
              <NewNoteForm project={project} folder={rel} />
              <ul data-testid="folder-entries" className={cardClass({ padding: 'none', className: 'divide-y divide-slate-100' })}>
                {view.entries.length === 0 && <li className="px-4 py-3 text-sm text-slate-500">This folder is empty.</li>}
                {view.entries.map((e) => (
                  <li key={e.file_path} className="flex items-center justify-between gap-2 px-4 py-2">
                    <Link href={notesHref(project, e.file_path)} className="min-w-0 truncate text-sm font-medium text-brand-700 hover:underline">
                      {e.type === 'directory' ? <><span aria-hidden>▸ </span>{e.name}/</> : (e.title ?? e.name)}
                    </Link>
                    <span className="text-xs text-slate-500">{e.type === 'directory' ? 'folder' : e.updated_at ? <RelativeTime iso={e.updated_at} now={now} /> : ''}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {view.kind === 'binary' && (
            <section data-testid="binary-file" className={cardClass()}>
              <h1 className="break-all text-xl font-semibold text-slate-900">{view.title}</h1>
              <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt className="text-slate-500">Type</dt><dd data-testid="binary-type" className="font-mono">{view.contentType}</dd>
                <dt className="text-slate-500">Size</dt><dd data-testid="binary-size">{formatBytes(view.size)} ({formatCount(view.size)} bytes)</dd>
                <dt className="text-slate-500">Path</dt><dd className="break-all font-mono">{view.filePath}</dd>
              </dl>
              {view.imagePreview && (
                // The file through the tenant proxy: images are answered inline, an SVG as an image never runs script.
                <img src={view.downloadHref} alt={`Preview of ${view.title}`} data-testid="binary-image-preview" className="mt-4 block max-h-[60vh] max-w-full rounded border border-slate-200" />
              )}
              {view.viewHref && (
                <a href={view.viewHref} target="_blank" rel="noopener noreferrer" data-testid="binary-view"
                  className="mr-2 mt-4 inline-block rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">View (own origin, no scripts)</a>
              )}
              <a href={view.downloadHref} download data-testid="binary-download" className="mt-4 inline-block rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">Download</a>
            </section>
          )}
          {view.kind === 'note' && (
            <>
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <h1 className="break-words text-2xl font-semibold tracking-tight text-slate-900" data-testid="note-title">{view.title}</h1>
                  <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                    <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700" data-testid="note-type">{view.entityType}</span>
                    <span className="break-all font-mono" data-testid="note-path">{view.filePath}</span>
                    <span className="break-all font-mono">{view.memoryUrl}</span>
                    {view.updatedAt && <span>updated <RelativeTime iso={view.updatedAt} now={now} /></span>}
                  </p>
                  {view.tags.length > 0 && <div className="mt-2 flex flex-wrap gap-1">{view.tags.map((t) => <TagChip key={t} tag={t} project={project} />)}</div>}
                </div>
                <NoteActions project={project} filePath={view.filePath} editing={editing} canEdit={!view.truncated} />
              </div>
              {view.warnings.length > 0 && (
                <ul data-testid="note-warnings" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
                  {view.warnings.map((w, i) => <li key={i}><span aria-hidden>⚠ </span>{w}</li>)}
                </ul>
              )}
              {editing && !view.truncated ? (
                <NoteEditor project={project} filePath={view.filePath} initialSource={view.source} initialChecksum={view.checksum} />
              ) : (
                <article className={cardClass({ className: 'sm:p-6' })}>
                  {view.html ? <NoteBody html={view.html} /> : <p className="text-sm text-slate-500">This file has no readable text.</p>}
                </article>
              )}
              <div className="grid gap-4 xl:grid-cols-2">
                <BacklinksList backlinks={view.backlinks} />
                <RelationsList relations={view.relations} />
                <ObservationsList groups={view.observations} project={project} />
                <FrontmatterPanel data={view.frontmatter} hasFrontmatter={view.hasFrontmatter} />
              </div>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
