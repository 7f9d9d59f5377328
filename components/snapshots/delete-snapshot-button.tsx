'use client';
// Delete one snapshot (after a confirmation naming it); the files themselves are not touched.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { useDeleteSnapshotMutation } from '@/lib/cloud-client/snapshots/mutations.ts';

export function DeleteSnapshotButton({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [refreshing, startTransition] = useTransition();
  const del = useDeleteSnapshotMutation();
  return (
    <>
      <Button variant="danger-outline" onClick={() => setOpen(true)} data-testid="snapshot-delete">
        Delete<span className="sr-only">: {label}</span>
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Delete this snapshot?" testId="snapshot-delete-dialog">
        <p>The snapshot “{label}” will be deleted; you will no longer be able to restore from it. Your current files are not touched.</p>
        <DialogActions danger confirmLabel="Delete snapshot" busy={del.isPending || refreshing} testId="snapshot-delete-confirm" error={del.error?.message}
          onCancel={() => setOpen(false)} onConfirm={() => del.mutate(id, { onSuccess: () => { setOpen(false); startTransition(() => router.refresh()); } })} />
      </Dialog>
    </>
  );
}
