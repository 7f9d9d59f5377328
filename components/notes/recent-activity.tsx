// The project's recent activity: its files, most recently changed first (from the tenant's index).
import Link from 'next/link';
import { RelativeTime } from './relative-time.tsx';
import { notesHref } from '@/lib/notes/note-paths.ts';
import type { DirectoryNode } from '@/lib/notes/tenant-notes.ts';

export function RecentActivity({ project, files }: { project: string; files: DirectoryNode[] }) {
  return (
    <section aria-labelledby="recent-heading" data-testid="recent-activity" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="recent-heading" className="mb-2 text-sm font-semibold text-slate-900">Recent activity</h2>
      {files.length === 0 ? <p className="text-sm text-slate-500">Nothing changed yet.</p> : (
        <ul className="divide-y divide-slate-100">
          {files.map((f) => (
            <li key={f.file_path} data-testid="recent-item" className="flex flex-wrap items-baseline justify-between gap-x-3 py-2">
              <Link href={notesHref(project, f.file_path)} className="min-w-0 truncate text-sm font-medium text-brand-700 hover:underline">{f.title ?? f.name}</Link>
              <span className="text-xs text-slate-500"><span className="font-mono">{f.file_path}</span> · updated <RelativeTime iso={f.updated_at!} /></span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
