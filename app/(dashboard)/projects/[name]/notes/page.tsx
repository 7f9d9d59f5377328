// A project's notes: folder tree, recent activity, a new-note form, and honest empty states
// ("not indexed yet" while the tenant rebuilds or before the first sync; "indexed, no notes").
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NotesBreadcrumbs } from '@/components/notes/breadcrumbs.tsx';
import { TreePanel } from '@/components/notes/folder-tree.tsx';
import { NewNoteForm } from '@/components/notes/new-note-form.tsx';
import { RecentActivity } from '@/components/notes/recent-activity.tsx';
import { SearchShortcut } from '@/components/notes/search-shortcut.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { loadProjectNotes, type ProjectTree } from '@/lib/notes/note-view.ts';
import type { RecentItem } from '@/lib/notes/project-recent.ts';
import { notesHref, relFromSegments, searchHref } from '@/lib/notes/note-paths.ts';
import { TenantNotesError } from '@/lib/notes/tenant-notes.ts';
import { IndexedNoNotes, NotesUnavailable, NotIndexedYet } from './notes-states.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Notes' };

export default async function ProjectNotesPage({ params }: { params: Promise<{ name: string }> }) {
  const project = relFromSegments([(await params).name]);
  const { tenant } = await requireTenant(undefined, { callbackUrl: notesHref(project, '') });
  let pt: ProjectTree | null = null;
  let recent: RecentItem[] = [];
  let recentFailure: string | null = null;
  let failure: string | null = null;
  try {
    ({ pt, recent, recentFailure } = await loadProjectNotes(tenant.id, project));
  } catch (e) {
    if (e instanceof TenantNotesError && (e.status === 404 || e.status === 400)) notFound();
    failure = e instanceof TenantNotesError ? e.message : 'The notes could not be loaded.';
  }
  return (
    <div className="flex flex-col gap-4">
      <SearchShortcut project={project} />
      <NotesBreadcrumbs project={project} rel="" />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{project}</h1>
        <Link href={searchHref({ project })} data-testid="open-search" className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
          Search <kbd className="ml-1 rounded border border-slate-300 px-1 text-xs text-slate-600">Ctrl K</kbd>
        </Link>
      </div>
      {failure ? <NotesUnavailable message={failure} /> : pt && (
        <>
          <NewNoteForm project={project} folder="" />
          {pt.index.state === 'not_indexed' ? <NotIndexedYet index={pt.index} />
            : pt.empty ? <IndexedNoNotes />
              : (
                <div className="grid gap-4 lg:grid-cols-[16rem_1fr]">
                  <TreePanel project={project} tree={pt.tree} />
                  <RecentActivity project={project} items={recent} failure={recentFailure} />
                </div>
              )}
        </>
      )}
    </div>
  );
}
