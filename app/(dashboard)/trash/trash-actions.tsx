'use client';
// Restore / delete-for-good buttons of one trash row: show the server's {"detail"} on refusal (e.g. a restore
// that would overwrite), and refresh the server-rendered list on success. Deleting for good asks first.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { usePurgeTrashMutation, useRestoreTrashMutation } from '@/lib/cloud-client/trash/mutations.ts';

export function TrashActions({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [refreshing, startTransition] = useTransition();
  const restore = useRestoreTrashMutation();
  const purge = usePurgeTrashMutation();
  const refresh = () => startTransition(() => router.refresh());
  const pending = restore.isPending || purge.isPending || refreshing;
  const error = restore.error ?? null;

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button data-testid="trash-restore" disabled={pending} onClick={() => { purge.reset(); restore.mutate(id, { onSuccess: refresh }); }}>
          Restore<span className="sr-only">: {label}</span>
        </Button>
        <Button variant="danger-outline" data-testid="trash-purge" disabled={pending} onClick={() => { restore.reset(); purge.reset(); setConfirming(true); }}>
          Delete for good<span className="sr-only">: {label}</span>
        </Button>
      </div>
      {error && <Notice inline tone="danger" testId="trash-error" className="max-w-xs text-right text-xs">{error.message}</Notice>}
      <Dialog open={confirming} onClose={() => setConfirming(false)} title="Delete for good?" testId="trash-purge-dialog">
        <p>“{label}” will be deleted for good. This cannot be undone.</p>
        <DialogActions danger confirmLabel="Delete for good" busy={pending} testId="trash-purge-confirm" error={purge.error?.message}
          onCancel={() => setConfirming(false)} onConfirm={() => purge.mutate(id, { onSuccess: () => { setConfirming(false); refresh(); } })} />
      </Dialog>
    </div>
  );
}
