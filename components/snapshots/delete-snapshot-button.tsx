'use client';
// Delete one snapshot (after a confirmation naming it); the files themselves are not touched.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Dialog } from '@/components/ui/dialog.tsx';
import { useDeleteSnapshotMutation } from '@/lib/cloud-client/snapshots-query.ts';

export function DeleteSnapshotButton({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [refreshing, startTransition] = useTransition();
  const del = useDeleteSnapshotMutation();
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} data-testid="snapshot-delete"
        className="rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50">
        Delete<span className="sr-only">: {label}</span>
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Delete this snapshot?" testId="snapshot-delete-dialog">
        <p>The snapshot “{label}” will be deleted; you will no longer be able to restore from it. Your current files are not touched.</p>
        {del.isError && <p role="alert" className="mt-2 text-rose-700">{del.error.message}</p>}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" onClick={() => setOpen(false)} className="rounded-lg border border-slate-300 px-3 py-1.5">Cancel</button>
          <button type="button" disabled={del.isPending || refreshing} data-testid="snapshot-delete-confirm"
            onClick={() => del.mutate(id, { onSuccess: () => { setOpen(false); startTransition(() => router.refresh()); } })}
            className="rounded-lg bg-rose-700 px-3 py-1.5 font-medium text-white disabled:opacity-50">Delete snapshot</button>
        </div>
      </Dialog>
    </>
  );
}
