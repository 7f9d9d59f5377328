'use client';
// The source editor: the whole file (frontmatter + markdown) in a textarea. Saving sends the checksum of
// the version that was opened; if the file changed on disk since, the BFF refuses (409) and nothing is
// written: the editor says so and offers to reload the file as it is now (your text stays until you do).
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError } from '@/lib/cloud-client/fetcher.ts';
import { useReloadNoteSourceMutation, useSaveNoteSourceMutation } from '@/lib/cloud-client/notes/mutations.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { Button } from '@/components/ui/button.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export function NoteEditor({ project, filePath, initialSource, initialChecksum }: { project: string; filePath: string; initialSource: string; initialChecksum: string }) {
  const router = useRouter();
  const [source, setSource] = useState(initialSource);
  const [base, setBase] = useState(initialChecksum);
  const [saved, setSaved] = useState(false);
  const save = useSaveNoteSourceMutation(project, filePath);
  const reload = useReloadNoteSourceMutation(project, filePath);
  const onSave = () => save.mutate({ content: source, baseChecksum: base }, { onSuccess: (r) => { setBase(r.checksum); setSaved(true); router.push(notesHref(project, filePath)); router.refresh(); } });
  const onReload = () => reload.mutate(undefined, { onSuccess: (v) => { setSource(v.source); setBase(v.checksum); save.reset(); } });
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const dirty = source !== initialSource;

  return (
    <form className="flex flex-col gap-3" aria-label="Edit note source" onSubmit={(e) => { e.preventDefault(); setSaved(false); onSave(); }}>
      <label htmlFor="note-source" className="text-sm font-medium text-slate-700">Source (markdown with frontmatter)</label>
      <textarea id="note-source" data-testid="note-source" value={source} onChange={(e) => { setSource(e.target.value); setSaved(false); }} spellCheck={false}
        rows={22} className="w-full rounded-xl border border-slate-300 bg-white p-3 font-mono text-sm leading-6 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-blue-200" />
      {conflict && (
        <Notice tone="warning" testId="save-conflict" title="This note changed on disk since you opened it. Nothing was saved.">
          <p className="mt-1">Reload to edit the current version (your changes here are replaced), or copy your text first.</p>
          <Button variant="primary" data-testid="conflict-reload" onClick={onReload} disabled={reload.isPending} className="mt-2">{reload.isPending ? 'Reloading…' : 'Reload the current version'}</Button>
        </Notice>
      )}
      {save.isError && !conflict && <Notice inline tone="danger" testId="save-error">{errorText(save.error)}</Notice>}
      {reload.isError && <Notice inline tone="danger">{errorText(reload.error)}</Notice>}
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" data-testid="note-save" disabled={save.isPending} className="py-2">{save.isPending ? 'Saving…' : 'Save'}</Button>
        <span className="text-xs text-slate-500" data-testid="editor-state">{saved ? 'Saved' : dirty ? 'Unsaved changes' : 'No changes'}</span>
      </div>
    </form>
  );
}
