'use client';
// "Restore this version" for a version kept at a write (the note history): a confirmation names the file and the
// version; the restore is the tenant's atomic write, and the current content is itself kept as a version.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { Time } from '@/components/time.tsx';
import { useRestoreWriteVersionMutation } from '@/lib/cloud-client/snapshots/mutations.ts';

export function WriteRestoreButton({ fileKey, version, savedAt, actor, label }: { fileKey: string; version: string; savedAt: string; actor: string; label: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  const [refreshing, startTransition] = useTransition();
  const restore = useRestoreWriteVersionMutation();
  return (
    <>
      <Button data-testid="write-restore" onClick={() => { setDone(false); restore.reset(); setOpen(true); }}>
        Restore this version<span className="sr-only"> of {label}</span>
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Restore “${label}”?`} testId="write-restore-dialog">
        {done ? (
          <div data-testid="write-restore-result">
            <p role="status">Restored. The content it replaced is now the newest version in this history.</p>
            <div className="mt-4 flex justify-end">
              <Button variant="primary" data-testid="write-restore-done" onClick={() => { setOpen(false); startTransition(() => router.refresh()); }}>Done</Button>
            </div>
          </div>
        ) : (
          <>
            <p data-testid="write-restore-what">
              <code className="[overflow-wrap:anywhere]">{fileKey}</code> will get back the content it had before the write of <Time iso={savedAt} /> ({actor}).
              The current content is kept in this history first.
            </p>
            <DialogActions confirmLabel={restore.isPending ? 'Restoring…' : 'Restore this version'} busy={restore.isPending || refreshing}
              testId="write-restore-confirm" error={restore.error?.message}
              onCancel={() => setOpen(false)} onConfirm={() => restore.mutate({ key: fileKey, version }, { onSuccess: () => setDone(true) })} />
          </>
        )}
      </Dialog>
    </>
  );
}
