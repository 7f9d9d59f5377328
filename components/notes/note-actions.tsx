'use client';
// Edit, rename or move, delete (with a confirmation) for one note. Moves and deletes are the CLI's routes
// through /proxy: POST /{project}/knowledge/move, DELETE /{project}/knowledge/entities/{path}.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '@/components/ui/dialog.tsx';
import { noteKeys } from '@/lib/cloud-client/keys.ts';
import { deleteNote, moveNote } from '@/lib/cloud-client/notes.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import { errorText } from '@/lib/cloud-client/fetcher.ts';

const btn = 'rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50';

export function NoteActions({ project, filePath, editing, canEdit }: { project: string; filePath: string; editing: boolean; canEdit: boolean }) {
  const router = useRouter();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'move' | 'delete' | null>(null);
  const [dest, setDest] = useState(filePath);
  const folder = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/')) : '';

  const move = useMutation({
    mutationFn: () => moveNote(project, filePath, dest.trim().replace(/^\/+/, '')),
    onSuccess: (e) => { void qc.invalidateQueries({ queryKey: noteKeys.project(project) }); setDialog(null); router.push(notesHref(project, e.file_path)); router.refresh(); },
  });
  const del = useMutation({
    mutationFn: () => deleteNote(project, filePath),
    onSuccess: () => { void qc.invalidateQueries({ queryKey: noteKeys.project(project) }); setDialog(null); router.push(notesHref(project, folder)); router.refresh(); },
  });
  const onMove = (e: FormEvent) => {
    e.preventDefault();
    const d = dest.trim().replace(/^\/+/, '');
    if (!d || d === filePath) return;
    move.mutate();
  };

  return (
    <div className="flex flex-wrap gap-2">
      {editing
        ? <Link href={notesHref(project, filePath)} className={btn} data-testid="note-view">View</Link>
        : canEdit && <Link href={`${notesHref(project, filePath)}?edit=1`} className={btn} data-testid="note-edit">Edit</Link>}
      <Link href={`/projects/${encodeURIComponent(project)}/history/${filePath.split('/').map(encodeURIComponent).join('/')}`} className={btn} data-testid="note-history">History</Link>
      <button type="button" className={btn} data-testid="note-move" onClick={() => { setDest(filePath); move.reset(); setDialog('move'); }}>Rename or move</button>
      <button type="button" className={`${btn} text-rose-700`} data-testid="note-delete" onClick={() => { del.reset(); setDialog('delete'); }}>Delete</button>

      <Dialog open={dialog === 'move'} onClose={() => setDialog(null)} title="Rename or move" testId="move-dialog">
        <form onSubmit={onMove} className="flex flex-col gap-3">
          <label className="text-sm text-slate-700">New path in <span className="font-medium">{project}</span> (folders are created)
            <input data-testid="move-destination" value={dest} onChange={(e) => setDest(e.target.value)} autoFocus
              className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm" />
          </label>
          {move.isError && <p role="alert" data-testid="move-error" className="text-sm text-rose-700">{errorText(move.error)}</p>}
          <div className="flex justify-end gap-2">
            <button type="button" className={btn} onClick={() => setDialog(null)}>Cancel</button>
            <button type="submit" data-testid="move-confirm" disabled={move.isPending || !dest.trim() || dest.trim() === filePath}
              className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{move.isPending ? 'Moving…' : 'Move'}</button>
          </div>
        </form>
      </Dialog>

      <Dialog open={dialog === 'delete'} onClose={() => setDialog(null)} title="Delete this note?" testId="delete-dialog">
        <p className="text-sm text-slate-700"><span className="break-all font-mono">{filePath}</span> will be deleted from <span className="font-medium">{project}</span>.</p>
        {del.isError && <p role="alert" data-testid="delete-error" className="mt-2 text-sm text-rose-700">{errorText(del.error)}</p>}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className={btn} onClick={() => setDialog(null)} data-testid="delete-cancel">Cancel</button>
          <button type="button" data-testid="delete-confirm" disabled={del.isPending} onClick={() => del.mutate()}
            className="rounded-lg bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800 disabled:opacity-50">{del.isPending ? 'Deleting…' : 'Delete note'}</button>
        </div>
      </Dialog>
    </div>
  );
}
