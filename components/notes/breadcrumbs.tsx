// Breadcrumbs of the notes browser: Projects › project › folder › … › note.
import Link from 'next/link';
import { notesHref } from '@/lib/notes/note-paths.ts';

export function NotesBreadcrumbs({ project, rel }: { project: string; rel: string }) {
  const parts = rel ? rel.split('/') : [];
  return (
    <nav aria-label="Breadcrumb" data-testid="notes-breadcrumbs" className="mb-3 min-w-0 text-sm text-slate-600">
      <ol className="flex flex-wrap items-center gap-x-1 gap-y-0.5">
        <li><Link href="/projects" className="hover:underline">Projects</Link></li>
        <li aria-hidden>›</li>
        <li><Link href={notesHref(project, '')} className="font-medium text-slate-800 hover:underline">{project}</Link></li>
        {parts.map((p, i) => {
          const last = i === parts.length - 1;
          return (
            <li key={i} className="flex min-w-0 items-center gap-1">
              <span aria-hidden>›</span>
              {last
                ? <span aria-current="page" className="truncate font-medium text-slate-900">{p}</span>
                : <Link href={notesHref(project, parts.slice(0, i + 1).join('/'))} className="truncate hover:underline">{p}</Link>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
