'use client';
// Create a note in a folder (POST /proxy/{project}/knowledge/entities, the CLI's write_note route), then open it.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useCreateNoteMutation } from '@/lib/cloud-client/notes/mutations.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { Button } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Field, Input, inputClass } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';

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
        <Button variant="primary" data-testid="new-note" onClick={() => setOpen(true)}>New note</Button>
      </div>
    );
  }
  const onSubmit = (e: FormEvent) => { e.preventDefault(); if (title.trim()) submit(); };
  return (
    <form onSubmit={onSubmit} aria-label="New note" data-testid="new-note-form" className={cardClass({ className: 'flex flex-col gap-3' })}>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Title" htmlFor="new-note-title">
          <Input id="new-note-title" data-testid="new-note-title" required maxLength={255} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
        </Field>
        <Field label="Folder" htmlFor="new-note-folder">
          <Input id="new-note-folder" data-testid="new-note-folder" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="(project root)" className="font-mono" />
        </Field>
      </div>
      <Field label="Content (markdown)" htmlFor="new-note-content">
        <textarea id="new-note-content" data-testid="new-note-content" value={content} onChange={(e) => setContent(e.target.value)} rows={8} className={`${inputClass} font-mono`} />
      </Field>
      {create.isError && <Notice inline tone="danger" testId="new-note-error">{errorText(create.error)}</Notice>}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" data-testid="new-note-create" disabled={create.isPending || !title.trim()} className="py-2">{create.isPending ? 'Creating…' : 'Create note'}</Button>
        <Button onClick={() => setOpen(false)} className="py-2">Cancel</Button>
      </div>
    </form>
  );
}
