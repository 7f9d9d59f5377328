'use client';
// Edit, rename or move, delete (with a confirmation) for one note. Moves and deletes are the CLI's routes
// through /proxy: POST /{project}/knowledge/move, DELETE /{project}/knowledge/entities/{path}.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button, buttonClass } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { Field, Input } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { useDeleteNoteMutation, useMoveNoteMutation } from '@/lib/cloud-client/notes/mutations.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import { errorText } from '@/lib/cloud-client/fetcher.ts';

const btn = buttonClass();

export function NoteActions({ project, filePath, editing, canEdit }: { project: string; filePath: string; editing: boolean; canEdit: boolean }) {
  const router = useRouter();
  const [dialog, setDialog] = useState<'move' | 'delete' | null>(null);
  const [dest, setDest] = useState(filePath);
  const folder = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/')) : '';

  const move = useMoveNoteMutation(project);
  const del = useDeleteNoteMutation(project);
  const afterMove = (e: { file_path: string }) => { setDialog(null); router.push(notesHref(project, e.file_path)); router.refresh(); };
  const afterDelete = () => { setDialog(null); router.push(notesHref(project, folder)); router.refresh(); };
  const onMove = (e: FormEvent) => {
    e.preventDefault();
    const d = dest.trim().replace(/^\/+/, '');
    if (!d || d === filePath) return;
    move.mutate({ identifier: filePath, destination: d }, { onSuccess: afterMove });
  };

  return (
    <div className="flex flex-wrap gap-2">
      {editing
        ? <Link href={notesHref(project, filePath)} className={btn} data-testid="note-view">View</Link>
        : canEdit && <Link href={`${notesHref(project, filePath)}?edit=1`} className={btn} data-testid="note-edit">Edit</Link>}
      <Link href={`/projects/${encodeURIComponent(project)}/history/${filePath.split('/').map(encodeURIComponent).join('/')}`} className={btn} data-testid="note-history">History</Link>
      <Button data-testid="note-move" onClick={() => { setDest(filePath); move.reset(); setDialog('move'); }}>Rename or move</Button>
      <Button variant="danger-outline" data-testid="note-delete" onClick={() => { del.reset(); setDialog('delete'); }}>Delete</Button>

      <Dialog open={dialog === 'move'} onClose={() => setDialog(null)} title="Rename or move" testId="move-dialog">
        <form onSubmit={onMove} className="flex flex-col gap-3">
          <Field htmlFor="move-destination" label={<>New path in <span className="font-medium">{project}</span> (folders are created)</>}>
            <Input id="move-destination" data-testid="move-destination" value={dest} onChange={(e) => setDest(e.target.value)} autoFocus className="font-mono" />
          </Field>
          {move.isError && <Notice inline tone="danger" testId="move-error">{errorText(move.error)}</Notice>}
          <div className="flex justify-end gap-2">
            <Button onClick={() => setDialog(null)}>Cancel</Button>
            <Button type="submit" variant="primary" data-testid="move-confirm" disabled={move.isPending || !dest.trim() || dest.trim() === filePath}>{move.isPending ? 'Moving…' : 'Move'}</Button>
          </div>
        </form>
      </Dialog>

      <Dialog open={dialog === 'delete'} onClose={() => setDialog(null)} title="Delete this note?" testId="delete-dialog">
        <p className="text-sm text-slate-700"><span className="break-all font-mono">{filePath}</span> will be deleted from <span className="font-medium">{project}</span>.</p>
        <DialogActions danger confirmLabel={del.isPending ? 'Deleting…' : 'Delete note'} busy={del.isPending} testId="delete-confirm" cancelTestId="delete-cancel"
          error={del.isError ? errorText(del.error) : null} onCancel={() => setDialog(null)} onConfirm={() => del.mutate(filePath, { onSuccess: afterDelete })} />
      </Dialog>
    </div>
  );
}
