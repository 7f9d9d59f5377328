'use client';
// Create a note in a folder (POST /proxy/{project}/knowledge/entities, the CLI's write_note route), then open it.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useCreateNoteMutation } from '@/lib/cloud-client/notes/mutations.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import { errorText } from '@/lib/cloud-client/fetcher.ts';

export function NewNoteForm({ project, folder }: { project: string; folder: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [dir, setDir] = useState(folder);
  const [content, setContent] = useState('');
  const create = useCreateNoteMutation(project);
  const submit = () => create.mutate({ title: title.trim(), folder: dir.trim().replace(/^\/+|\/+$/g, ''), content }, { onSuccess: (e) => router.push(notesHref(project, e.file_path)) });
  if (!open) {
    return (
      <div>
        <button type="button" data-testid="new-note" onClick={() => setOpen(true)} className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">New note</button>
      </div>
    );
  }
  const onSubmit = (e: FormEvent) => { e.preventDefault(); if (title.trim()) submit(); };
  return (
    <form onSubmit={onSubmit} aria-label="New note" data-testid="new-note-form" className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-sm font-medium text-slate-700">Title
          <input data-testid="new-note-title" required maxLength={255} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm font-normal" />
        </label>
        <label className="text-sm font-medium text-slate-700">Folder
          <input data-testid="new-note-folder" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="(project root)"
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm font-normal" />
        </label>
      </div>
      <label className="text-sm font-medium text-slate-700">Content (markdown)
        <textarea data-testid="new-note-content" value={content} onChange={(e) => setContent(e.target.value)} rows={8}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm font-normal" />
      </label>
      {create.isError && <p role="alert" data-testid="new-note-error" className="text-sm text-rose-700">{errorText(create.error)}</p>}
      <div className="flex gap-2">
        <button type="submit" data-testid="new-note-create" disabled={create.isPending || !title.trim()} className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{create.isPending ? 'Creating…' : 'Create note'}</button>
        <button type="button" onClick={() => setOpen(false)} className="rounded-lg border border-slate-300 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50">Cancel</button>
      </div>
    </form>
  );
}
